#pragma once

#include "core/model/EvalResult.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace kw::ui {

class ProfileBridge;
class ProfileTableModel;
class Settings;
struct ProfileSummary;

// The details pane's Profile tab: "Profile" runs the result's candidate once more under Nsight
// Compute on its GPU (off the UI thread, through ProfileBridge) and shows a row per CUDA kernel;
// the profile and the raw report are kept in the profile store, shown again when the result is
// reopened, and the report opens in Nsight Compute (ncu-ui) or its path is shown. Says why
// when no profile can be taken (a CPU result, ncu absent, counters not permitted, no GPU, a
// failed run).
class ProfileView : public QWidget
{
    Q_OBJECT
public:
    explicit ProfileView(Settings& settings, QWidget* parent = nullptr);
    ~ProfileView() override;

    void showResult(const std::optional<EvalResult>& result);
    void startProfile();
    bool running() const;
    QString message() const;
    ProfileTableModel* model() const { return m_model; }
    QPushButton* profileButton() const { return m_profileButton; }
    QPushButton* openButton() const { return m_openButton; }

Q_SIGNALS:
    void profileFinished(bool ok);

private:
    void showReport(const ProfileSummary& report);
    void setMessage(const QString& text, bool problem);
    void onFinished(const ProfileSummary& report);
    void openReport();

    ProfileBridge* m_bridge;
    QLabel* m_message;
    QPushButton* m_profileButton;
    QPushButton* m_openButton;
    QTableView* m_table;
    ProfileTableModel* m_model;
    QPlainTextEdit* m_log;
    std::optional<EvalResult> m_result;
    QString m_reportPath, m_ncuPath;
};

} // namespace kw::ui
