#pragma once

#include "core/model/EvalResult.h"

#include <QFrame>
#include <QHash>

class QGridLayout;
class QLabel;
class QPlainTextEdit;
class QScrollArea;

namespace kw::ui {

// One evaluation at a glance: status badge, speedup with its 95 % interval (green only for a
// significant win; noisy timing is said in words with the evaluator's reasons), kernel and baseline runtimes
// with their spread, the torch.compile baseline, % of speed of light with its bound and peaks, tests passed,
// max difference, flags, the error (scrolled when long) with the log tail, device, host time per call (GPU:
// shown, not counted in the runtimes), cost.
class ResultCard : public QFrame
{
    Q_OBJECT
public:
    explicit ResultCard(QWidget* parent = nullptr);

    void showResult(const EvalResult& r);
    void showPlaceholder(const QString& text);
    void showLoading(const QString& text);
    bool hasResult() const { return m_hasResult; }
    QString badgeText() const;
    QString speedupText() const;
    QString speedupNote() const;
    QString timingText() const;  // the timing-quality row: verdict, reasons, trials that ran
    QString compileText() const; // the torch.compile baseline row (empty when hidden)
    QString solText() const;     // the speed-of-light row (empty when hidden)
    bool speedupShownAsWin() const { return m_win; }
    QScrollArea* errorArea() const { return m_errorArea; }
    bool isRowShown(const QString& name) const; // a form row ("Tests passed") is not hidden

protected:
    void changeEvent(QEvent* event) override;

private:
    void addRow(const QString& name, QLabel* value);
    void setRow(QLabel* value, const QString& text);
    void styleBadge();

    QLabel* m_badge;
    QLabel* m_speedup;
    QLabel* m_interval;
    QLabel* m_speedupNote;
    QLabel* m_placeholder;
    QWidget* m_body;
    QGridLayout* m_form;
    QHash<QLabel*, QLabel*> m_names; // value → its name in the first column
    QLabel* m_runtime;
    QLabel* m_baseline;
    QLabel* m_compile;
    QLabel* m_sol;
    QLabel* m_tests;
    QLabel* m_maxDiff;
    QLabel* m_flags;
    QLabel* m_device;
    QLabel* m_timings;
    QLabel* m_hostCall;
    QLabel* m_cost;
    QLabel* m_problem;
    QLabel* m_quality;
    QLabel* m_error;
    QScrollArea* m_errorArea;
    QLabel* m_logTitle;
    QPlainTextEdit* m_log;
    EvalStatus m_status = EvalStatus::Unknown;
    bool m_hasResult = false;
    bool m_win = false;
    bool m_untrusted = false;
    bool m_cancelled = false;
};

} // namespace kw::ui
