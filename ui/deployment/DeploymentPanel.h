#pragma once

#include "ModalCli.h"
#include "app/Panel.h"

#include <QTimer>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace kw::ui {

class AppListModel;
class ContainerListModel;
class LogLineModel;
class LogFilterModel;

// Modal deployment: auth status with its fix, Deploy (streamed output, web endpoint URL saved
// with saveModalEndpoint), apps and containers (polled, never overlapping, backing off while
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
    bool following() const { return m_followStop != nullptr; }

    static constexpr int kPollMs = 5000;
    static constexpr int kMaxPollMs = 60000;

public Q_SLOTS:
    void refreshAuth();
    void pollNow();
    void deploy();
    void cancelDeploy();
    void stopSelectedContainer();
    void setFollowing(bool on);

protected:
    void showEvent(QShowEvent* e) override;
    void hideEvent(QHideEvent* e) override;

private:
    void schedulePoll(int ms);
    void onDeployLine(const QString& line);
    void onLogLine(const ModalLogLine& line);

    ModalCli m_cli;
    QLabel* m_auth = nullptr;
    QComboBox* m_gpu = nullptr;
    QSpinBox* m_timeout = nullptr;
    QPushButton* m_deployButton = nullptr;
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
    std::shared_ptr<std::atomic<bool>> m_deployStop;
    std::shared_ptr<std::atomic<bool>> m_followStop;
};

} // namespace kw::ui
