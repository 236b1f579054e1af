#include "deployment/DeploymentPanel.h"

#include "HistoryStore.h"
#include "ModalConfig.h"
#include "ModalGpu.h"
#include "Paths.h"
#include "app/AppContext.h"
#include "app/Settings.h"
#include "deployment/Async.h"
#include "deployment/ModalTableModels.h"
#include "models/HistoryPoller.h"
#include "watch/ModalLogFollower.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace kw::ui {

namespace {

const std::string kAppName = "kernel-rl-evaluator";

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent)
{
    auto* v = new QTableView(parent);
    v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->verticalHeader()->hide();
    v->horizontalHeader()->setStretchLastSection(true);
    v->setAlternatingRowColors(true);
    v->setWordWrap(false);
    return v;
}

// A status line that wraps inside whatever width its row leaves it, instead of widening the panel.
void makeWrapping(QLabel* l)
{
    l->setWordWrap(true);
    l->setMinimumWidth(0);
    QSizePolicy p = l->sizePolicy(); // keeps the height-for-width flag that word wrap set
    p.setHorizontalPolicy(QSizePolicy::Ignored);
    l->setSizePolicy(p);
}

struct PollResult
{
    ModalCliResult<std::vector<ModalApp>> apps;
    ModalCliResult<std::vector<ModalContainer>> containers;
};

} // namespace

PanelInfo DeploymentPanel::info()
{
    return {QStringLiteral("deployment"), tr("Deployment"), QStringLiteral("deployment"),
            tr("Deploy the Modal evaluator, watch its apps, containers and logs")};
}

DeploymentPanel::DeploymentPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_cli(ctx.settings().modalCliOptions())
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

    // Deploy.
    auto* deployBox = new QGroupBox(tr("Deploy %1").arg(q(kAppName)), this);
    auto* dl = new QVBoxLayout(deployBox);
    auto* row = new QHBoxLayout;
    m_gpu = new QComboBox(deployBox);
    m_gpu->setEditable(true);
    for (const ModalGpuInfo& g : modalGpuCatalogue())
        m_gpu->addItem(q(g.name));
    const ModalConfig current = ctx.settings().modalConfig();
    m_gpu->setCurrentText(q(current.gpuType));
    m_timeout = new QSpinBox(deployBox);
    m_timeout->setRange(Settings::kMinModalTimeoutS, Settings::kMaxModalTimeoutS);
    m_timeout->setValue(ctx.settings().modalTimeoutS());
    m_timeout->setSuffix(tr(" s"));
    m_deployButton = new QPushButton(tr("Deploy"), deployBox);
    m_deployButton->setObjectName(QStringLiteral("deployButton"));
    connect(m_deployButton, &QPushButton::clicked, this, [this] { deploying() ? cancelDeploy() : deploy(); });
    m_serveButton = new QPushButton(tr("Serve (dev)"), deployBox);
    m_serveButton->setObjectName(QStringLiteral("serveButton"));
    m_serveButton->setToolTip(
        tr("Run the app with `modal serve`: an ephemeral copy with its own endpoint that "
           "reloads when modal_app.py changes, until you click again"));
    connect(m_serveButton, &QPushButton::clicked, this, [this] { serving() ? stopServing() : serve(); });
    m_stage = new QLabel(deployBox);
    makeWrapping(m_stage);
    row->addWidget(new QLabel(tr("GPU"), deployBox));
    row->addWidget(m_gpu);
    row->addWidget(new QLabel(tr("Timeout"), deployBox));
    row->addWidget(m_timeout);
    row->addWidget(m_deployButton);
    row->addWidget(m_serveButton);
    row->addWidget(m_stage, 1);
    dl->addLayout(row);
    auto* urlRow = new QHBoxLayout;
    m_url = new QLineEdit(q(current.endpoint), deployBox);
    m_url->setReadOnly(true);
    m_url->setPlaceholderText(tr("The web endpoint URL appears here after a deploy"));
    urlRow->addWidget(new QLabel(tr("Endpoint"), deployBox));
    urlRow->addWidget(m_url, 1);
    dl->addLayout(urlRow);
    m_serveRow = new QWidget(deployBox);
    auto* serveRow = new QHBoxLayout(m_serveRow);
    serveRow->setContentsMargins(0, 0, 0, 0);
    m_serveUrlEdit = new QLineEdit(m_serveRow);
    m_serveUrlEdit->setObjectName(QStringLiteral("serveUrl"));
    m_serveUrlEdit->setReadOnly(true);
    m_serveUrlEdit->setPlaceholderText(tr("The dev app's endpoint URL appears here once it is up"));
    serveRow->addWidget(new QLabel(tr("Dev endpoint"), m_serveRow));
    serveRow->addWidget(m_serveUrlEdit, 1);
    m_serveRow->hide();
    dl->addWidget(m_serveRow);
    m_deployLog = new QPlainTextEdit(deployBox);
    m_deployLog->setReadOnly(true);
    m_deployLog->setMaximumBlockCount(5000);
    m_deployLog->setPlaceholderText(tr("modal deploy output"));
    m_deployLog->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_deployLog->setMinimumHeight(3 * m_deployLog->fontMetrics().lineSpacing() + 12);
    dl->addWidget(m_deployLog, 1);

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
    auto* cr = new QHBoxLayout;
    cr->addStretch(1);
    cr->addWidget(m_stopContainer);
    cl->addLayout(cr);
    lists->addWidget(appBox);
    lists->addWidget(conBox);
    lists->setStretchFactor(0, 3);
    lists->setStretchFactor(1, 2);
    lists->setSizes({700, 460});

    // Logs.
    auto* logBox = new QGroupBox(tr("Logs of %1").arg(q(kAppName)), this);
    auto* lg = new QVBoxLayout(logBox);
    auto* lr = new QHBoxLayout;
    m_followButton = new QPushButton(tr("Follow"), logBox);
    m_followButton->setCheckable(true);
    connect(m_followButton, &QPushButton::toggled, this, &DeploymentPanel::setFollowing);
    m_search = new QLineEdit(logBox);
    m_search->setPlaceholderText(tr("Search logs"));
    m_search->setClearButtonEnabled(true);
    m_containerFilter = new QComboBox(logBox);
    m_containerFilter->addItem(tr("All containers"), QString());
    m_containerFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    lr->addWidget(m_followButton);
    lr->addWidget(m_search, 1);
    lr->addWidget(m_containerFilter);
    lg->addLayout(lr);
    m_followStatus =
        new QLabel(tr("Follow reads the app's log stream; each evaluation it reports is kept in the "
                      "history (Evaluations, source modal)."),
                   logBox);
    m_followStatus->setWordWrap(true);
    m_followStatus->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    lg->addWidget(m_followStatus);
    m_logs = new LogLineModel(5000, this);
    m_logFilter = new LogFilterModel(this);
    m_logFilter->setSourceModel(m_logs);
    m_logView = makeTable(m_logFilter, logBox);
    m_logView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_logView->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    lg->addWidget(m_logView);
    connect(m_search, &QLineEdit::textChanged, m_logFilter, &LogFilterModel::setSearch);
    connect(m_containerFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_logFilter->setContainer(m_containerFilter->currentData().toString()); });

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(deployBox);
    split->addWidget(lists);
    split->addWidget(logBox);
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 3);
    split->setSizes({190, 250, 360}); // the deploy output is short; the logs get the room
    root->addWidget(split, 1);

    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &DeploymentPanel::pollNow);

    addPanelAction(
        tr("Deploy"), {}, [this] { deploy(); }, tr("Deploy the evaluator app to Modal"));
    addPanelAction(tr("Refresh apps and containers"), {}, [this] { pollNow(); });

    connect(&ctx.settings(), &Settings::modalConfigChanged, this,
            [this] { m_cli = ModalCli(m_ctx.settings().modalCliOptions()); });

    refreshAuth();
}

DeploymentPanel::~DeploymentPanel()
{
    if (m_deployStop)
        m_deployStop->store(true);
    if (m_serveStop)
        m_serveStop->store(true); // the worker ends `modal serve` (SIGINT, then SIGKILL)
    if (m_follower)
        m_follower->stop();
}

QString DeploymentPanel::followStatus() const
{
    return m_followStatus->text();
}

QString DeploymentPanel::authText() const
{
    return m_auth->text();
}

QString DeploymentPanel::deployOutput() const
{
    return m_deployLog->toPlainText();
}

QString DeploymentPanel::stageText() const
{
    return m_stage->text();
}

bool DeploymentPanel::busy() const
{
    return m_authPending || m_polling;
}

void DeploymentPanel::prepareScreenshot()
{
    pollNow();
}

void DeploymentPanel::refreshAuth()
{
    if (m_authPending)
        return;
    m_authPending = true;
    async::run(
        this, [cli = m_cli] { return cli.tokenInfo(); },
        [this](ModalCliResult<ModalTokenInfo> r) {
            m_authPending = false;
            if (r.ok()) {
                m_auth->setText(tr("✓ Modal: signed in to workspace %1 (token %2)")
                                    .arg(q(r.value.workspace.empty() ? std::string("?") : r.value.workspace),
                                         q(r.value.tokenId)));
                m_auth->setStyleSheet({});
            } else {
                m_auth->setText(tr("✗ %1 — Fix: %2").arg(q(r.diagnosis.summary), q(r.diagnosis.fix)));
                m_auth->setStyleSheet(QStringLiteral("color: #c0392b;"));
            }
        });
}

void DeploymentPanel::showEvent(QShowEvent* e)
{
    Panel::showEvent(e);
    if (!m_polling && !m_pollTimer.isActive())
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
    if (m_polling) // never overlap: the running poll schedules the next one
        return;
    m_polling = true;
    m_pollStatus->setText(tr("Refreshing…"));
    async::run(
        this,
        [cli = m_cli] {
            PollResult r;
            r.apps = cli.listApps();
            if (r.apps.ok())
                r.containers = cli.listContainers();
            return r;
        },
        [this](PollResult r) {
            m_polling = false;
            if (r.apps.ok()) {
                std::vector<ModalApp> apps = r.apps.value;
                m_apps->setApps(apps);
            }
            if (r.apps.ok() && r.containers.ok()) {
                m_containers->setContainers(r.containers.value);
                m_nextPollMs = kPollMs;
                m_pollStatus->setText(tr("%n app(s), ", nullptr, int(r.apps.value.size())) +
                                      tr("%n container(s)", nullptr, int(r.containers.value.size())));
                m_pollStatus->setStyleSheet({});
            } else {
                const ModalDiagnosis& d = r.apps.ok() ? r.containers.diagnosis : r.apps.diagnosis;
                m_nextPollMs = std::min(m_nextPollMs * 2, kMaxPollMs);
                m_pollStatus->setText(
                    tr("✗ %1 — retrying in %2 s").arg(q(d.message())).arg(m_nextPollMs / 1000));
                m_pollStatus->setToolTip(q(d.detail));
                m_pollStatus->setStyleSheet(QStringLiteral("color: #c0392b;"));
            }
            m_stopContainer->setEnabled(m_containerView->selectionModel()->hasSelection());
            schedulePoll(m_nextPollMs);
        });
}

std::optional<DeploymentPanel::AppLaunch> DeploymentPanel::prepareLaunch(const QString& verb)
{
    const auto spec = parseModalGpu(m_gpu->currentText().toStdString());
    if (!spec.ok()) {
        m_stage->setText(tr("✗ %1").arg(q(spec.error)));
        return std::nullopt;
    }
    const std::string dir = paths::evaluatorDir();
    if (dir.empty()) {
        m_stage->setText(tr("✗ The evaluator folder was not found (set KERNELWATCH_EVALUATOR_DIR)"));
        return std::nullopt;
    }
    AppLaunch launch;
    launch.file = dir + "/modal_app.py";
    launch.gpu = spec.canonical();
    launch.timeoutS = m_timeout->value();
    launch.env = {{"KERNELWATCH_MODAL_GPU", launch.gpu},
                  {"KERNELWATCH_MODAL_TIMEOUT", std::to_string(launch.timeoutS)}};
    m_deployLog->clear();
    m_deployLog->appendPlainText(QStringLiteral("$ modal %1 %2").arg(verb, q(launch.file)));
    m_stage->setToolTip({});
    m_stage->setText(tr("Starting…"));
    return launch;
}

ModalCli::LineFn DeploymentPanel::outputSink()
{
    QPointer<QObject> guard(this);
    return [guard, this](std::string_view line, bool) {
        async::post(guard, [this, l = q(std::string(line))] { onDeployLine(l); });
    };
}

void DeploymentPanel::updateLaunchButtons()
{
    m_deployButton->setText(deploying() ? tr("Cancel") : tr("Deploy"));
    m_deployButton->setEnabled(!serving());
    m_serveButton->setText(serving() ? tr("Stop serving") : tr("Serve (dev)"));
    m_serveButton->setEnabled(!deploying());
    m_serveRow->setVisible(serving() || !m_serveUrl.isEmpty());
    m_serveUrlEdit->setText(m_serveUrl);
}

void DeploymentPanel::deploy()
{
    if (deploying() || serving())
        return;
    auto launch = prepareLaunch(QStringLiteral("deploy"));
    if (!launch)
        return;
    m_deployStop = std::make_shared<std::atomic<bool>>(false);
    updateLaunchButtons();
    auto stop = m_deployStop;
    async::run(
        this,
        [cli = m_cli, app = *launch, stop, sink = outputSink()] {
            return cli.deploy(app.file, app.env, sink, stop.get());
        },
        [this, gpu = launch->gpu, timeoutS = launch->timeoutS](ModalCliResult<ModalDeployResult> r) {
            m_deployStop.reset();
            updateLaunchButtons();
            if (!r.ok()) {
                m_stage->setText(tr("✗ %1").arg(q(r.diagnosis.message())));
                m_stage->setToolTip(q(r.diagnosis.detail));
                return;
            }
            const std::string url = modalEndpointUrl(r.value);
            m_endpointUrl = q(url);
            if (!url.empty())
                m_url->setText(m_endpointUrl);
            const bool saved = !url.empty() && saveModalEndpoint(url, gpu, timeoutS);
            if (!url.empty())
                m_ctx.settings().setModalEndpoint(m_endpointUrl); // Settings › Modal and the Modal target
            QString text = r.value.deploySeconds
                               ? tr("✓ Deployed in %1 s").arg(*r.value.deploySeconds, 0, 'f', 1)
                               : tr("✓ Deployed");
            if (saved)
                text += tr("; endpoint saved");
            else if (url.empty())
                text += tr("; no web endpoint in the output");
            m_stage->setText(text);
            pollNow();
        });
}

void DeploymentPanel::cancelDeploy()
{
    if (m_deployStop)
        m_deployStop->store(true);
    m_stage->setText(tr("Cancelling…"));
}

void DeploymentPanel::serve()
{
    if (deploying() || serving())
        return;
    auto launch = prepareLaunch(QStringLiteral("serve"));
    if (!launch)
        return;
    m_serveStop = std::make_shared<std::atomic<bool>>(false);
    m_serveUrl.clear();
    updateLaunchButtons();
    auto stop = m_serveStop;
    async::run(
        this,
        [cli = m_cli, app = *launch, stop, sink = outputSink()] {
            return cli.serve(app.file, app.env, sink, stop.get());
        },
        [this, stop](ModalCliResult<ModalDeployResult> r) {
            if (m_serveStop == stop)
                m_serveStop.reset();
            m_serveUrl.clear();
            updateLaunchButtons();
            if (stop->load()) {
                m_stage->setText(tr("Dev app stopped"));
            } else if (!r.ok()) {
                m_stage->setText(tr("✗ %1").arg(q(r.diagnosis.message())));
                m_stage->setToolTip(q(r.diagnosis.detail));
            } else {
                m_stage->setText(tr("The dev app ended"));
            }
            pollNow();
        });
}

void DeploymentPanel::stopServing()
{
    if (!m_serveStop)
        return;
    m_serveStop->store(true);
    m_serveButton->setEnabled(false); // until `modal serve` has exited
    m_stage->setText(tr("Stopping the dev app…"));
}

void DeploymentPanel::onDeployLine(const QString& line)
{
    m_deployLog->appendPlainText(line);
    if (serving() && m_serveUrl.isEmpty()) {
        if (const std::string url = modalEndpointUrl(parseModalDeployOutput(line.toStdString()));
            !url.empty()) {
            m_serveUrl = q(url);
            updateLaunchButtons();
            m_stage->setText(tr("Serving (dev): edits to modal_app.py reload it; click Stop serving to end"));
            return;
        }
    }
    switch (modalDeployStageOf(line.toStdString())) {
    case ModalDeployStage::Initializing:
        m_stage->setText(tr("Initializing…"));
        break;
    case ModalDeployStage::BuildingImage:
        m_stage->setText(tr("Building the image…"));
        break;
    case ModalDeployStage::CreatingObjects:
        m_stage->setText(tr("Creating objects…"));
        break;
    case ModalDeployStage::Deployed:
        m_stage->setText(tr("Deployed"));
        break;
    case ModalDeployStage::Failed:
        m_stage->setText(tr("Failing…"));
        break;
    case ModalDeployStage::Unknown:
        break;
    }
}

void DeploymentPanel::stopSelectedContainer()
{
    const QModelIndexList sel = m_containerView->selectionModel()->selectedRows();
    if (sel.isEmpty())
        return;
    const std::string id = m_containers->keyAt(sel.first().row()).toStdString();
    m_stopContainer->setEnabled(false);
    m_pollStatus->setText(tr("Stopping %1…").arg(q(id)));
    async::run(
        this, [cli = m_cli, id] { return cli.stopContainer(id); },
        [this, id](ModalCliResult<bool> r) {
            m_pollStatus->setText(r.ok() ? tr("Stopped %1").arg(q(id))
                                         : tr("✗ Stop %1: %2").arg(q(id), q(r.diagnosis.message())));
            pollNow();
        });
}

void DeploymentPanel::setFollowing(bool on)
{
    if (m_followButton->isChecked() != on) {
        m_followButton->setChecked(on); // re-enters through toggled
        return;
    }
    if (!on) {
        stopFollowing();
        return;
    }
    if (m_follower)
        return;
    // KERNELWATCH_EVAL lines become results in the history store (source modal, with their
    // container id) before they are counted here; every line goes to the logs view. The stream is
    // reopened with a backoff when it ends, until Follow is switched off.
    m_followStore = m_ctx.store();
    ModalLogFollower::Options o;
    o.app = kAppName;
    o.store = m_followStore.get();
    QPointer<QObject> guard(this);
    ModalLogFollower::Callbacks cb;
    cb.onLines = [guard, this](const std::vector<ModalLogLine>& lines) {
        async::post(guard, [this, lines] {
            for (const ModalLogLine& l : lines)
                onLogLine(l);
        });
    };
    cb.onResults = [guard, this](const ModalLogFollower::ResultBatch& b) {
        const int n = int(b.results.size()), added = int(b.newInStore);
        async::post(guard, [this, n, added] {
            m_followResults += n;
            m_followStatus->setText(
                tr("%n evaluation(s) from the logs", nullptr, m_followResults) +
                (m_followStore ? tr(", %n new in the history", nullptr, added) : QString()));
            if (m_ctx.poller())
                m_ctx.poller()->pollNow();
        });
    };
    cb.onStream = [guard, this](const ModalLogFollower::StreamEvent& e) {
        const QString text = e.connected ? tr("Following the log stream…")
                             : e.diagnosis.ok()
                                 ? tr("The log stream ended; reconnecting in %1 s").arg(e.retryInS, 0, 'f', 0)
                                 : tr("✗ Logs: %1 — retrying in %2 s")
                                       .arg(q(e.diagnosis.message()))
                                       .arg(e.retryInS, 0, 'f', 0);
        async::post(guard, [this, text] { m_followStatus->setText(text); });
    };
    cb.onError = [guard, this](const std::string& message) {
        async::post(guard, [this, message] { m_followStatus->setText(tr("✗ %1").arg(q(message))); });
    };
    m_followResults = 0;
    m_follower = std::make_shared<ModalLogFollower>(m_cli, o, cb);
    m_follower->start();
    m_followButton->setText(tr("Following…"));
}

void DeploymentPanel::stopFollowing()
{
    if (!m_follower)
        return;
    // stop() ends the modal process and joins its threads: off the UI thread.
    std::shared_ptr<ModalLogFollower> f = std::move(m_follower);
    std::shared_ptr<HistoryStore> store = std::move(m_followStore); // alive until the follower ends
    async::run(
        this,
        [f, store] {
            f->stop();
            return true;
        },
        [](bool) {});
    m_followButton->setText(tr("Follow"));
    QSignalBlocker block(m_followButton);
    m_followButton->setChecked(false);
}

void DeploymentPanel::onLogLine(const ModalLogLine& line)
{
    QScrollBar* bar = m_logView->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    const bool newContainer =
        !line.containerId.empty() && m_containerFilter->findData(q(line.containerId)) < 0;
    m_logs->append(line);
    if (newContainer)
        m_containerFilter->addItem(q(line.containerId), q(line.containerId));
    if (atEnd)
        m_logView->scrollToBottom();
}

} // namespace kw::ui
