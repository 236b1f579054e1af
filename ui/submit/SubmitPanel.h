#pragma once

#include "ui/base/MetaTypes.h"
#include "ui/base/Panel.h"

#include <optional>

class QLabel;
class QPushButton;
class QSplitter;
class QToolButton;

namespace kw::ui {

class EditorDrafts;
class EditorPane;
class ProblemBrowser;
class ResultCard;
class StageIndicator;
class SubmitBridge;
class SubmitOptionsForm;

// Reference and candidate editors, evaluation options, Submit/Cancel, the live stage and the
// result card. On first start the built-in ReLU sample is loaded so one click evaluates it.
class SubmitPanel : public Panel
{
    Q_OBJECT
public:
    SubmitPanel(AppContext& ctx, QWidget* parent = nullptr);
    static PanelInfo info();

    void saveState() override;
    bool confirmClose() override;
    void prepareScreenshot() override;
    bool busy() const override;

    // Sample ids: relu-cpu, swish-cuda, swish-triton, softmax-cuda, softmax-triton, matmul-cuda,
    // matmul-triton
    // Both ask first when an editor has unsaved changes; false when the user cancelled.
    bool loadSample(const QString& sampleId);
    bool load(const EvalRequest& request);
    // Opens a problem file in the reference editor (as a double-click in the browser does).
    bool openProblem(const QString& path, const QString& problemId);
    QString submit(); // returns the request id, empty when refused (the banner says why)
    // After the pre-run check refused a problem too big for the CPU's memory: submits it again
    // with the inputs scaled down to the offered batch_size (empty when none is offered).
    QString submitScaled();
    QPushButton* scaleButton() const { return m_scale; }
    void cancel();
    QString currentRequestId() const { return m_currentId; }
    ResultCard* resultCard() const { return m_card; }
    EditorPane* referencePane() const { return m_ref; }
    EditorPane* kernelPane() const { return m_kernel; }
    SubmitOptionsForm* options() const { return m_options; }
    EditorDrafts* drafts() const { return m_drafts; }
    QString problemName() const;
    QString bannerText() const;

private:
    void showBanner(const QString& text, bool error);
    void hideBanner();
    void onTargetChanged(const QString& target);
    void onProgress(const QString& id, kw::EvalStage stage, double elapsedS, const QString& detail);
    void onFinished(const kw::EvalResult& result);
    void updateButtons();
    void restoreSession();

    SubmitBridge* m_bridge;
    ProblemBrowser* m_browser;
    QToolButton* m_problemsToggle = nullptr;
    EditorPane* m_ref;
    EditorPane* m_kernel;
    SubmitOptionsForm* m_options;
    QLabel* m_banner;
    QPushButton* m_submit;
    QPushButton* m_cancel;
    QPushButton* m_scale;         // "Try on the CPU with batch_size N" after a size refusal
    long long m_offeredBatch = 0; // what m_scale submits
    std::optional<long long> m_nextBatch;
    StageIndicator* m_stage;
    ResultCard* m_card;
    QSplitter* m_outer;
    QSplitter* m_editors;
    EditorDrafts* m_drafts;
    QString m_currentId;
    QString m_submittedKernel; // the kernel text of the running request (to map its compile error)
    QString m_problemId;       // from the KernelBench browser or a sample
};

} // namespace kw::ui
