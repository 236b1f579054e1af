#include "ui/deployment/DeploymentPanel.h"

#include "ui/base/Format.h"
#include "ui/base/Settings.h"
#include "ui/deployment/DeploymentBridge.h"
#include "ui/deployment/DeploymentUi.h"
#include "ui/models/AppListModel.h"
#include "ui/models/ContainerListModel.h"
#include "ui/models/LogFilterModel.h"
#include "ui/models/LogLineModel.h"
#include "ui/services/AppContext.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

#include <algorithm>

namespace kw::ui {

using deployment::makeTable;
using deployment::makeWrapping;

PanelInfo DeploymentPanel::info()
{
    return {QStringLiteral("deployment"), tr("Deployment"), QStringLiteral("deployment"),
            tr("Deploy the Modal evaluator, watch its apps, containers and logs")};
}

DeploymentPanel::DeploymentPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_bridge(new DeploymentBridge(ctx, this))
{
    auto* root = new QVBoxLayout(this);

    // Auth line and dashboard link.
    auto* top = new QHBoxLayout;
    m_auth = new QLabel(tr("Modal: checking the token…"), this);
    m_auth->setObjectName(QStringLiteral("authStatus"));
    makeWrapping(m_auth);
    m_auth->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* recheck = new QPushButton(tr("Re-check"), this);
    connect(recheck, &QPushButton::clicked, this, &DeploymentPanel::refreshAuth);
    auto* link = new QLabel(
        QStringLiteral("<a href=\"https://modal.com/apps\">%1</a>").arg(tr("Modal dashboard")), this);
    link->setOpenExternalLinks(true);
    top->addWidget(m_auth, 1);
    top->addWidget(recheck);
    top->addWidget(link);
    root->addLayout(top);

    m_launch = new ModalLaunchBox(ctx, m_bridge, this);
    connect(m_launch, &ModalLaunchBox::launchEnded, this, &DeploymentPanel::pollNow);

    // Apps and containers.
    auto* lists = new QSplitter(Qt::Horizontal, this);
    lists->setChildrenCollapsible(false);
    auto* appBox = new QGroupBox(tr("Apps"), lists);
    auto* al = new QVBoxLayout(appBox);
    m_apps = new AppListModel(this);
    m_appView = makeTable(m_apps, appBox);
    al->addWidget(m_appView);
    m_pollStatus = new QLabel(appBox);
    m_pollStatus->setObjectName(QStringLiteral("pollStatus"));
    makeWrapping(m_pollStatus);
    m_pollStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* refresh = new QPushButton(tr("Refresh"), appBox);
    connect(refresh, &QPushButton::clicked, this, &DeploymentPanel::pollNow);
    auto* ar = new QHBoxLayout;
    ar->addWidget(m_pollStatus, 1);
    ar->addWidget(refresh, 0, Qt::AlignTop);
    al->addLayout(ar);
    auto* conBox = new QGroupBox(tr("Containers"), lists);
    auto* cl = new QVBoxLayout(conBox);
    m_containers = new ContainerListModel(this);
    m_containerView = makeTable(m_containers, conBox);
    cl->addWidget(m_containerView);
    m_stopContainer = new QPushButton(tr("Stop container"), conBox);
    m_stopContainer->setEnabled(false);
    connect(m_stopContainer, &QPushButton::clicked, this, &DeploymentPanel::stopSelectedContainer);
    connect(m_containerView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_stopContainer->setEnabled(m_containerView->selectionModel()->hasSelection()); });
    // The outcome of the last Stop stays until the next one (the poll status is rewritten every
    // few seconds).
    m_actionStatus = new QLabel(conBox);
    m_actionStatus->setObjectName(QStringLiteral("containerActionStatus"));
    makeWrapping(m_actionStatus);
    m_actionStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* cr = new QHBoxLayout;
    cr->addWidget(m_actionStatus, 1);
    cr->addWidget(m_stopContainer, 0, Qt::AlignTop);
    cl->addLayout(cr);
    lists->addWidget(appBox);
    lists->addWidget(conBox);
    lists->setStretchFactor(0, 3);
    lists->setStretchFactor(1, 2);
    lists->setSizes({700, 460});

    m_logBox = new ModalLogBox(m_bridge, this);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_launch);
    split->addWidget(lists);
    split->addWidget(m_logBox);
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 3);
    split->setSizes({190, 250, 360}); // the deploy output is short; the logs get the room
    root->addWidget(split, 1);

    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &DeploymentPanel::pollNow);

    m_bridge->setListModels(m_apps, m_containers);
    connect(m_bridge, &DeploymentBridge::authChecked, this, [this](const DeploymentBridge::Auth& a) {
        if (a.ok) {
            m_auth->setText(tr("✓ Modal: signed in to workspace %1 (token %2)").arg(a.workspace, a.tokenId));
            m_auth->setStyleSheet({});
        } else {
            m_auth->setText(tr("✗ %1 — Fix: %2").arg(a.problem.summary, a.problem.fix));
            m_auth->setStyleSheet(QStringLiteral("color: #c0392b;"));
        }
    });
    connect(m_bridge, &DeploymentBridge::polled, this, &DeploymentPanel::showPoll);
    connect(m_bridge, &DeploymentBridge::containerStopped, this,
            [this](const QString& id, bool ok, const QString& problem) {
                m_actionStatus->setText(
                    ok ? tr("Stopped %1 at %2.")
                             .arg(id, QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
                       : tr("✗ Stop %1: %2").arg(id, problem));
                m_actionStatus->setStyleSheet(ok ? QString() : QStringLiteral("color: #c0392b;"));
                pollNow();
            });

    addPanelAction(
        tr("Deploy"), {}, [this] { deploy(); }, tr("Deploy the evaluator app to Modal"));
    addPanelAction(tr("Refresh apps and containers"), {}, [this] { pollNow(); });

    refreshAuth();
}

DeploymentPanel::~DeploymentPanel() = default;

QString DeploymentPanel::authText() const
{
    return m_auth->text();
}

bool DeploymentPanel::busy() const
{
    return m_bridge->checkingAuth() || m_bridge->polling();
}

void DeploymentPanel::prepareScreenshot()
{
    pollNow();
}

void DeploymentPanel::refreshAuth()
{
    if (!m_bridge->checkingAuth())
        m_bridge->checkAuth();
}

void DeploymentPanel::showEvent(QShowEvent* e)
{
    Panel::showEvent(e);
    if (!m_bridge->polling() && !m_pollTimer.isActive())
        pollNow();
}

void DeploymentPanel::hideEvent(QHideEvent* e)
{
    Panel::hideEvent(e);
    m_pollTimer.stop();
}

void DeploymentPanel::schedulePoll(int ms)
{
    if (isVisible())
        m_pollTimer.start(ms);
}

void DeploymentPanel::pollNow()
{
    m_pollTimer.stop();
    if (m_bridge->polling()) // never overlap: the running poll schedules the next one
        return;
    m_pollStatus->setText(tr("Refreshing…"));
    m_bridge->poll();
}

void DeploymentPanel::showPoll(const DeploymentBridge::Poll& r)
{
    if (r.appsOk && r.containersOk) {
        m_nextPollMs = kPollMs;
        m_pollStatus->setText(Format::count(r.apps, tr("app"), tr("apps")) + QStringLiteral(", ") +
                              Format::count(r.containers, tr("container"), tr("containers")));
        m_pollStatus->setStyleSheet({});
    } else {
        m_nextPollMs = std::min(m_nextPollMs * 2, kMaxPollMs);
        // A missing client or token does not fix itself: ask again only when told to (Refresh, or
        // the panel shown again), instead of running the same failing command every few seconds.
        m_pollStatus->setText(
            r.problem.needsUser
                ? tr("✗ %1 — press Refresh once that is done").arg(r.problem.message)
                : tr("✗ %1 — retrying in %2 s").arg(r.problem.message).arg(m_nextPollMs / 1000));
        m_pollStatus->setToolTip(r.problem.detail);
        m_pollStatus->setStyleSheet(QStringLiteral("color: #c0392b;"));
    }
    m_stopContainer->setEnabled(m_containerView->selectionModel()->hasSelection());
    if (!r.problem.needsUser || (r.appsOk && r.containersOk))
        schedulePoll(m_nextPollMs);
}

QString DeploymentPanel::pollText() const
{
    return m_pollStatus->text();
}

QString DeploymentPanel::containerActionText() const
{
    return m_actionStatus->text();
}

void DeploymentPanel::stopSelectedContainer()
{
    const QModelIndexList sel = m_containerView->selectionModel()->selectedRows();
    if (sel.isEmpty())
        return;
    const QString id = m_containers->keyAt(sel.first().row());
    QMessageBox ask(QMessageBox::Question, tr("Stop container"), tr("Stop container %1?").arg(id),
                    QMessageBox::NoButton, this);
    ask.setObjectName(QStringLiteral("stopContainerPrompt"));
    ask.setInformativeText(tr("Evaluations running in it fail; Modal starts a new container for the next "
                              "request."));
    QPushButton* stop = ask.addButton(tr("Stop container"), QMessageBox::DestructiveRole);
    ask.addButton(QMessageBox::Cancel);
    ask.setDefaultButton(QMessageBox::Cancel);
    ask.exec();
    if (ask.clickedButton() != stop)
        return;
    m_stopContainer->setEnabled(false);
    m_actionStatus->setStyleSheet({});
    m_actionStatus->setText(tr("Stopping %1…").arg(id));
    m_bridge->stopContainer(id);
}

} // namespace kw::ui
