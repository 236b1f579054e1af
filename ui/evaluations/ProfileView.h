#pragma once

#include "core/model/EvalResult.h"
#include "core/profile/ProfileReport.h"
#include "core/profile/ProfileRunner.h"
#include "core/profile/ProfileStore.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace kw::ui {

class ProfileTableModel;
class Settings;

// The details pane's Profile tab: "Profile" runs the result's candidate once more under Nsight
// Compute on its GPU (off the UI thread, profile::runProfile) and shows a row per CUDA kernel;
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
    bool running() const { return m_watcher.isRunning(); }
    QString message() const;
    ProfileTableModel* model() const { return m_model; }
    QPushButton* profileButton() const { return m_profileButton; }
    QPushButton* openButton() const { return m_openButton; }

Q_SIGNALS:
    void profileFinished(bool ok);

private:
    profile::ProfileOptions options() const;
    void showReport(const profile::ProfileReport& report);
    void setMessage(const QString& text, bool problem);
    void onFinished();
    void openReport();

    Settings& m_settings;
    profile::ProfileStore m_store;
    QLabel* m_message;
    QPushButton* m_profileButton;
    QPushButton* m_openButton;
    QTableView* m_table;
    ProfileTableModel* m_model;
    QPlainTextEdit* m_log;
    QFutureWatcher<profile::ProfileReport> m_watcher;
    std::optional<EvalResult> m_result;
    QString m_reportPath, m_ncuPath;
};

} // namespace kw::ui
