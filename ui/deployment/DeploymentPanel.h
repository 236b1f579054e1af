#pragma once

#include "ModalCli.h"
#include "app/Panel.h"

#include <QTimer>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace kw {
class HistoryStore;
class ModalLogFollower;
} // namespace kw

namespace kw::ui {

class AppListModel;
class ContainerListModel;
class LogLineModel;
class LogFilterModel;

// Modal deployment: auth status with its fix, Deploy (streamed output, web endpoint URL saved
// with saveModalEndpoint and into Settings), Serve (dev): `modal serve` of the same app file as
// an ephemeral app with its own endpoint URL, until clicked again or the panel goes; apps and
// containers (polled, never overlapping, backing off while
// failing), Stop container, and a followed, searchable, per-container log view. Every `modal`
// command runs off the UI thread; results come back queued and guarded by QPointer.
class DeploymentPanel : public Panel
{
    Q_OBJECT
public:
    static PanelInfo info();
    DeploymentPanel(AppContext& ctx, QWidget* parent = nullptr);
    ~DeploymentPanel() override;

    bool busy() const override;
    void prepareScreenshot() override;

    // For tests.
    AppListModel* apps() const { return m_apps; }
    ContainerListModel* containers() const { return m_containers; }
    LogLineModel* logs() const { return m_logs; }
    QString endpointUrl() const { return m_endpointUrl; }
    QString authText() const;
    QString deployOutput() const;
    int pollIntervalMs() const { return m_nextPollMs; }
    bool deploying() const { return m_deployStop != nullptr; }
    bool serving() const { return m_serveStop != nullptr; }
    QString serveUrl() const { return m_serveUrl; } // the dev app's endpoint, once printed
    QString stageText() const;
    bool following() const { return m_follower != nullptr; }
    QString followStatus() const;

    static constexpr int kPollMs = 5000;
    static constexpr int kMaxPollMs = 60000;

public Q_SLOTS:
    void refreshAuth();
    void pollNow();
    void deploy();
    void cancelDeploy();
    void serve();
    void stopServing();
    void stopSelectedContainer();
    void setFollowing(bool on);

protected:
    void showEvent(QShowEvent* e) override;
    void hideEvent(QHideEvent* e) override;

private:
    void schedulePoll(int ms);
    // What deploy and serve share: the evaluator's modal_app.py and the settings it reads.
    struct AppLaunch
    {
        std::string file;
        std::string gpu; // canonical
        int timeoutS = 0;
        std::map<std::string, std::string> env;
    };
    // Checks the GPU and finds the app file; on success clears the output view and shows the
    // command line, else says what is wrong in the stage label.
    std::optional<AppLaunch> prepareLaunch(const QString& verb);
    // Streams `modal` output lines to onDeployLine on the UI thread while this panel lives.
    ModalCli::LineFn outputSink();
    void updateLaunchButtons();
    void onDeployLine(const QString& line);
    void onLogLine(const ModalLogLine& line);
    void stopFollowing();

    ModalCli m_cli;
    QLabel* m_auth = nullptr;
    QComboBox* m_gpu = nullptr;
    QSpinBox* m_timeout = nullptr;
    QPushButton* m_deployButton = nullptr;
    QPushButton* m_serveButton = nullptr;
    QLineEdit* m_serveUrlEdit = nullptr;
    QWidget* m_serveRow = nullptr;
    QLabel* m_stage = nullptr;
    QLineEdit* m_url = nullptr;
    QPlainTextEdit* m_deployLog = nullptr;
    AppListModel* m_apps = nullptr;
    ContainerListModel* m_containers = nullptr;
    QTableView* m_appView = nullptr;
    QTableView* m_containerView = nullptr;
    QPushButton* m_stopContainer = nullptr;
    QLabel* m_pollStatus = nullptr;
    LogLineModel* m_logs = nullptr;
    LogFilterModel* m_logFilter = nullptr;
    QTableView* m_logView = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_containerFilter = nullptr;
    QPushButton* m_followButton = nullptr;

    QTimer m_pollTimer;
    bool m_polling = false;
    bool m_authPending = false;
    int m_nextPollMs = kPollMs;
    QString m_endpointUrl;
    QString m_serveUrl;
    std::shared_ptr<std::atomic<bool>> m_deployStop;
    std::shared_ptr<std::atomic<bool>> m_serveStop;
    std::shared_ptr<ModalLogFollower> m_follower;
    std::shared_ptr<HistoryStore> m_followStore;
    QLabel* m_followStatus = nullptr;
    int m_followResults = 0;
};

} // namespace kw::ui
