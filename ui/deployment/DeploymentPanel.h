#pragma once

#include "ui/base/Panel.h"
#include "ui/deployment/DeploymentBridge.h"
#include "ui/deployment/ModalLaunchBox.h"
#include "ui/deployment/ModalLogBox.h"

#include <QTimer>

class QLabel;
class QPushButton;
class QTableView;

namespace kw::ui {

class AppListModel;
class ContainerListModel;
class LogLineModel;

// Modal deployment: auth status with its fix; Deploy and Serve (dev) of the evaluator app
// (ModalLaunchBox); apps and containers (polled, never overlapping, backing off while failing)
// with Stop container; the app's followed, searchable, per-container logs (ModalLogBox). Every
// `modal` command runs off the UI thread through the panel's DeploymentBridge, which the boxes
// share; the bridge ends a deploy, `modal serve` and the log stream when the panel goes.
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
    LogLineModel* logs() const { return m_logBox->logs(); }
    QString endpointUrl() const { return m_launch->endpointUrl(); }
    QString authText() const;
    QString deployOutput() const { return m_launch->output(); }
    int pollIntervalMs() const { return m_nextPollMs; }
    bool pollScheduled() const { return m_pollTimer.isActive(); }
    QString pollText() const;
    bool deploying() const { return m_launch->deploying(); }
    bool serving() const { return m_launch->serving(); }
    QString serveUrl() const { return m_launch->serveUrl(); }
    QString stageText() const { return m_launch->stageText(); }
    bool following() const { return m_logBox->following(); }
    QString followStatus() const { return m_logBox->followStatus(); }
    QTableView* containerView() const { return m_containerView; }
    QString containerActionText() const;

    static constexpr int kPollMs = 5000;
    static constexpr int kMaxPollMs = 60000;

public Q_SLOTS:
    void refreshAuth();
    void pollNow();
    void deploy() { m_launch->deploy(); }
    void cancelDeploy() { m_launch->cancelDeploy(); }
    void serve() { m_launch->serve(); }
    void stopServing() { m_launch->stopServing(); }
    void stopSelectedContainer();
    void setFollowing(bool on) { m_logBox->setFollowing(on); }

protected:
    void showEvent(QShowEvent* e) override;
    void hideEvent(QHideEvent* e) override;

private:
    void schedulePoll(int ms);
    void showPoll(const DeploymentBridge::Poll& r);

    DeploymentBridge* m_bridge = nullptr;
    QLabel* m_auth = nullptr;
    ModalLaunchBox* m_launch = nullptr;
    AppListModel* m_apps = nullptr;
    ContainerListModel* m_containers = nullptr;
    QTableView* m_appView = nullptr;
    QTableView* m_containerView = nullptr;
    QPushButton* m_stopContainer = nullptr;
    QLabel* m_pollStatus = nullptr;
    QLabel* m_actionStatus = nullptr;
    ModalLogBox* m_logBox = nullptr;

    QTimer m_pollTimer;
    int m_nextPollMs = kPollMs;
};

} // namespace kw::ui
