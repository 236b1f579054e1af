#include "ui/deployment/DeploymentBridge.h"

#include "core/config/TrainingConfig.h"
#include "core/modal/ModalChecks.h"
#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"
#include "core/modal/ModalGpu.h"
#include "core/modal/ModalLogFollower.h"
#include "core/model/HistoryStore.h"
#include "core/usecase/ModalDeployment.h"
#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"
#include "ui/base/UiThread.h"
#include "ui/models/AppListModel.h"
#include "ui/models/ContainerListModel.h"
#include "ui/models/HistoryPoller.h"
#include "ui/models/LogLineModel.h"
#include "ui/services/AppContext.h"

#include <QPointer>

namespace kw::ui {

namespace {

DeploymentBridge::Problem problem(const ModalDiagnosis& d)
{
    const bool needsUser = d.cause == ModalCause::CliNotInstalled || d.cause == ModalCause::TokenMissing ||
                           d.cause == ModalCause::TokenInvalid;
    return {qs(d.summary), qs(d.fix), qs(d.detail), qs(d.message()), needsUser};
}

struct PollResult
{
    ModalCliResult<std::vector<ModalApp>> apps;
    ModalCliResult<std::vector<ModalContainer>> containers;
};

} // namespace

// What prepareLaunch() checked, for deploy() and serve().
struct DeploymentBridge::Prepared
{
    ModalDeployRequest request;
    std::map<std::string, std::string> env;
};

DeploymentBridge::DeploymentBridge(AppContext& ctx, QObject* parent) : QObject(parent), m_ctx(ctx) {}

DeploymentBridge::~DeploymentBridge()
{
    m_closing->store(true); // the one-shot `modal` commands are killed before the Jobs wait
    if (m_deployStop)
        m_deployStop->store(true);
    if (m_serveStop)
        m_serveStop->store(true); // the worker ends `modal serve` (SIGINT, then SIGKILL)
    if (m_follower)
        m_follower->stop();
}

QString DeploymentBridge::appName()
{
    return qs(kEvaluatorAppName);
}

QStringList DeploymentBridge::gpuNames()
{
    QStringList out;
    for (const ModalGpuInfo& g : modalGpuCatalogue())
        out << qs(g.name);
    return out;
}

QString DeploymentBridge::configuredGpu() const
{
    return qs(m_ctx.settings().modalConfig().gpuType);
}

QString DeploymentBridge::configuredEndpoint() const
{
    return qs(m_ctx.settings().modalConfig().endpoint);
}

void DeploymentBridge::checkAuth()
{
    m_auth.start(
        [cli = m_ctx.settings().modalCli(), closing = m_closing] {
            const ModalCliResult<ModalTokenInfo> r = cli.tokenInfo(closing.get());
            Auth a;
            a.ok = r.ok();
            a.workspace = qs(r.value.workspace.empty() ? std::string("?") : r.value.workspace);
            a.tokenId = qs(r.value.tokenId);
            a.problem = problem(r.diagnosis);
            return a;
        },
        [this](Auth a) { Q_EMIT authChecked(a); });
}

void DeploymentBridge::setListModels(AppListModel* apps, ContainerListModel* containers)
{
    m_apps = apps;
    m_containers = containers;
}

void DeploymentBridge::poll()
{
    // The lists are copied into the models on the UI thread; the worker hands them over whole.
    auto lists = std::make_shared<PollResult>();
    m_poll.start(
        [cli = m_ctx.settings().modalCli(), lists, closing = m_closing] {
            lists->apps = cli.listApps(closing.get());
            if (lists->apps.ok())
                lists->containers = cli.listContainers(closing.get());
            Poll p;
            p.appsOk = lists->apps.ok();
            p.containersOk = p.appsOk && lists->containers.ok();
            p.apps = int(lists->apps.value.size());
            p.containers = int(lists->containers.value.size());
            if (!p.containersOk)
                p.problem = problem(p.appsOk ? lists->containers.diagnosis : lists->apps.diagnosis);
            return p;
        },
        [this, lists](Poll p) {
            if (p.appsOk && m_apps)
                m_apps->setApps(lists->apps.value);
            if (p.containersOk && m_containers)
                m_containers->setContainers(lists->containers.value);
            Q_EMIT polled(p);
        });
}

void DeploymentBridge::stopContainer(const QString& id)
{
    m_stop.start(
        [cli = m_ctx.settings().modalCli(), id = toStd(id), closing = m_closing] {
            const ModalCliResult<bool> r = cli.stopContainer(id, closing.get());
            return std::make_pair(r.ok(), qs(r.diagnosis.message()));
        },
        [this, id](std::pair<bool, QString> r) { Q_EMIT containerStopped(id, r.first, r.second); });
}

QString DeploymentBridge::prepareLaunch(const QString& gpu, int timeoutS, QString* problemText)
{
    ModalDeployRequest req;
    req.gpu = toStd(gpu);
    req.timeoutS = timeoutS;
    const ModalLaunchPlan plan = planEvaluatorLaunch(req);
    if (!plan.ok()) {
        m_prepared.reset();
        if (problemText)
            *problemText = qs(plan.diagnosis.message());
        return {};
    }
    m_prepared = std::make_unique<Prepared>();
    m_prepared->request = req;
    m_prepared->request.file = plan.file;
    m_prepared->env = plan.env;
    return qs(plan.file);
}

std::function<void(std::string_view, bool)> DeploymentBridge::outputSink()
{
    QPointer<QObject> guard(this);
    return [guard, this](std::string_view line, bool) {
        post(guard, [this, l = qs(line)] { Q_EMIT outputLine(l); });
    };
}

void DeploymentBridge::deploy()
{
    if (!m_prepared || deploying() || serving())
        return;
    m_deployStop = std::make_shared<std::atomic<bool>>(false);
    auto stop = m_deployStop;
    m_deploy.start(
        [cli = m_ctx.settings().modalCli(), req = m_prepared->request, stop, sink = outputSink()] {
            const ModalDeployOutcome r = deployEvaluator(cli, req, sink, stop.get());
            Launch l;
            l.ok = r.ok();
            l.endpoint = qs(r.endpoint);
            l.summary = qs(r.summary());
            l.problem = problem(r.diagnosis);
            return l;
        },
        [this](Launch l) {
            m_deployStop.reset();
            Q_EMIT deployEnded(l);
        });
}

void DeploymentBridge::cancelDeploy()
{
    if (m_deployStop)
        m_deployStop->store(true);
}

void DeploymentBridge::serve()
{
    if (!m_prepared || deploying() || serving())
        return;
    m_serveStop = std::make_shared<std::atomic<bool>>(false);
    auto stop = m_serveStop;
    m_serve.start(
        [cli = m_ctx.settings().modalCli(), file = m_prepared->request.file, env = m_prepared->env, stop,
         sink = outputSink()] {
            const ModalCliResult<ModalDeployResult> r = cli.serve(file, env, sink, stop.get());
            Launch l;
            l.ok = r.ok();
            l.problem = problem(r.diagnosis);
            return l;
        },
        [this, stop](Launch l) {
            l.stopped = stop->load();
            if (m_serveStop == stop)
                m_serveStop.reset();
            Q_EMIT serveEnded(l);
        });
}

void DeploymentBridge::stopServing()
{
    if (m_serveStop)
        m_serveStop->store(true);
}

QString DeploymentBridge::endpointIn(const QString& line)
{
    return qs(modalEndpointUrl(parseModalDeployOutput(toStd(line))));
}

QString DeploymentBridge::stageIn(const QString& line)
{
    switch (modalDeployStageOf(toStd(line))) {
    case ModalDeployStage::Initializing:
        return tr("Initializing…");
    case ModalDeployStage::BuildingImage:
        return tr("Building the image…");
    case ModalDeployStage::CreatingObjects:
        return tr("Creating objects…");
    case ModalDeployStage::Deployed:
        return tr("Deployed");
    case ModalDeployStage::Failed:
        return tr("Failing…");
    case ModalDeployStage::Unknown:
        break;
    }
    return {};
}

void DeploymentBridge::follow()
{
    if (m_follower)
        return;
    // KERNELWATCH_EVAL lines become results in the history store before they are counted.
    m_followStore = m_ctx.store();
    ModalLogFollower::Options o;
    o.app = std::string(kEvaluatorAppName);
    o.store = m_followStore.get();
    QPointer<QObject> guard(this);
    ModalLogFollower::Callbacks cb;
    cb.onLines = [guard, this](const std::vector<ModalLogLine>& lines) {
        post(guard, [this, lines] {
            Q_EMIT logLinesComing();
            QStringList containers;
            for (const ModalLogLine& l : lines) {
                if (m_logs)
                    m_logs->append(l);
                if (!l.containerId.empty())
                    containers << qs(l.containerId);
            }
            Q_EMIT logLinesAdded(containers);
        });
    };
    const bool withStore = m_followStore != nullptr;
    cb.onResults = [guard, this, withStore](const ModalLogFollower::ResultBatch& b) {
        const int n = int(b.results.size()), added = withStore ? int(b.newInStore) : -1;
        post(guard, [this, n, added] {
            Q_EMIT logResults(n, added);
            if (m_ctx.poller())
                m_ctx.poller()->pollNow();
        });
    };
    cb.onStream = [guard, this](const ModalLogFollower::StreamEvent& e) {
        StreamState s;
        s.connected = e.connected;
        s.ok = e.diagnosis.ok();
        s.retryInS = e.retryInS;
        s.problem = qs(e.diagnosis.message());
        post(guard, [this, s] { Q_EMIT logStream(s); });
    };
    cb.onError = [guard, this](const std::string& message) {
        post(guard, [this, m = qs(message)] { Q_EMIT logError(m); });
    };
    m_follower = std::make_shared<ModalLogFollower>(m_ctx.settings().modalCli(), o, cb);
    m_follower->start();
}

void DeploymentBridge::stopFollowing()
{
    if (!m_follower)
        return;
    // stop() ends the modal process and joins its threads: off the UI thread.
    std::shared_ptr<ModalLogFollower> f = std::move(m_follower);
    std::shared_ptr<HistoryStore> store = std::move(m_followStore); // alive until the follower ends
    m_unfollow.start(
        [f, store] {
            f->stop();
            return true;
        },
        [](bool) {});
}

void DeploymentBridge::runChecks()
{
    const Settings& s = m_ctx.settings();
    QPointer<QObject> guard(this);
    m_checks.start(
        [cli = s.modalCli(), config = s.modalConfig(), timeoutS = s.modalTimeoutS(),
         yaml = toStd(s.trainingYamlPath()), guard, this, closing = m_closing] {
            ModalCheckOptions o;
            o.stop = closing.get();
            o.configuredTimeoutS = timeoutS;
            o.trainingModalTimeoutS = trainingModalTimeoutS(yaml);
            o.legacyDeadlineS = savedLegacyDeadlineS();
            const std::vector<ModalCheck> checks =
                runModalChecks(cli, config, o, [guard, this](const ModalCheck& c) {
                    const Check check{qs(c.id), qs(c.title), qs(c.detail), qs(c.fix), c.ok, c.skipped};
                    post(guard, [this, check] { Q_EMIT checked(check); });
                });
            int failed = 0;
            for (const ModalCheck& c : checks)
                failed += !c.ok && !c.skipped;
            return failed;
        },
        [this](int failed) { Q_EMIT checksEnded(failed); });
}

} // namespace kw::ui
