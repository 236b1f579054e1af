#include "ui/services/AppContext.h"

#include "core/base/Paths.h"
#include "core/local/LocalBackend.h"
#include "core/modal/ModalBackend.h"
#include "core/model/HistoryStore.h"
#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"
#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"
#include "ui/models/HistoryPoller.h"
#include "ui/services/DeviceInventory.h"
#include "ui/services/EvalService.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

// kwui is a static library: its compiled resources (samples, icons) are linked in only when
// something references them.
static void initKwuiResources()
{
    Q_INIT_RESOURCE(kernelwatch);
}

namespace kw::ui {

AppContext::AppContext(const Options& options, QObject* parent)
    : QObject(parent), m_settings(options.settingsFile.isEmpty() ? new Settings(this)
                                                                 : new Settings(options.settingsFile, this)),
      m_history(new HistoryModel(this)), m_filtered(new HistoryFilterModel(this)),
      m_evals(new EvalService(this)), m_devices(new DeviceInventory(*m_settings, this))
{
    m_servicesStarted = options.startServices;
    initKwuiResources();
    m_draftsPath = options.draftsFile;
    if (m_draftsPath.isEmpty() && !options.settingsFile.isEmpty())
        m_draftsPath = QFileInfo(options.settingsFile).dir().filePath(u"unsaved-editors.json"_s);
    if (m_draftsPath.isEmpty())
        m_draftsPath =
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/unsaved-editors.json"_s;
    m_filtered->setSourceModel(m_history);
    installLocalBackend();
    installModalBackend();
    connect(m_settings, &Settings::localConfigChanged, this, [this, start = options.startServices] {
        if (!m_customFactory)
            installLocalBackend();
        if (start)
            m_devices->refresh(); // another Python may see other GPUs
    });
    connect(m_settings, &Settings::modalConfigChanged, this, [this] {
        if (!m_customModalFactory)
            installModalBackend();
    });
    // Until the local backend has started and described itself, the GPUs found say it.
    connect(m_evals, &EvalService::backendStarted, this, [this](const QString& target) {
        if (target == u"local"_s)
            m_localDescribed = true;
    });
    connect(m_devices, &DeviceInventory::changed, this, [this] {
        if (!m_localDescribed)
            m_evals->setTargetDescription(u"local"_s, m_devices->summary());
    });
    connect(m_evals, &EvalService::resultStored, this, [this] {
        if (m_poller)
            m_poller->pollNow();
    });
    if (options.startServices) {
        m_devices->refresh();
        openStore(options.historyPath.isEmpty() ? m_settings->historyPath() : options.historyPath);
    }
}

AppContext::~AppContext()
{
    m_opening.wait();
    delete m_poller;
    m_poller = nullptr;
}

void AppContext::installLocalBackend()
{
    const LocalConfig config = m_settings->localConfig();
    m_evals->setFactory(u"local"_s, [config] { return std::make_unique<LocalBackend>(config); });
}

QString AppContext::modalUnavailableReason(const std::string& configError)
{
    if (configError.empty())
        return {};
    return tr("Modal cannot evaluate yet: %1. In this app: run Deploy in the Deployment panel, or set the "
              "endpoint and proxy token in Settings › Modal.")
        .arg(qs(configError));
}

void AppContext::installModalBackend()
{
    const ModalConfig config = m_settings->modalConfig();
    // The factory is installed even when the configuration is unusable: every submit then fails
    // at once with the same message, and the reason below keeps Submit from getting that far.
    m_evals->setFactory(u"modal"_s, [config] { return std::make_unique<ModalBackend>(config); });
    m_evals->setUnavailableReason(u"modal"_s, modalUnavailableReason(config.validate()));
    m_evals->setTargetDescription(u"modal"_s, qs(config.describe()));
}

void AppContext::setEvaluatorFactory(const QString& target,
                                     std::function<std::unique_ptr<Evaluator>()> factory)
{
    if (target == u"local"_s)
        m_customFactory = true;
    if (target == u"modal"_s)
        m_customModalFactory = true;
    m_evals->setFactory(target, std::move(factory));
}

void AppContext::openStore(const QString& path)
{
    m_historyPath = path;
    m_storeOpened = false;
    const std::string p = toStd(path);
    m_opening.start(
        [p] {
            Opened o;
            try {
                o.store = std::make_shared<HistoryStore>(p);
            } catch (const std::exception& e) {
                o.error = qs(e.what());
            }
            return o;
        },
        [this](Opened o) { onStoreOpened(std::move(o)); });
}

void AppContext::onStoreOpened(Opened o)
{
    delete m_poller;
    m_poller = nullptr;
    m_store = o.store;
    m_evals->setStore(m_store);
    m_history->clear();
    if (!m_store) {
        m_storeError = tr("The history store %1 could not be opened: %2. Choose another history location in "
                          "Settings (it takes effect at the next start), or free disk space.")
                           .arg(m_historyPath, o.error);
        Q_EMIT storeFailed(m_storeError);
        return;
    }
    m_storeError.clear();
    m_storeOpened = true;
    m_poller = new HistoryPoller(m_store, m_history, this);
    connect(m_poller, &HistoryPoller::pollFailed, this,
            [this](const QString& msg) { Q_EMIT storeFailed(msg); });
    m_poller->start();
    Q_EMIT storeOpened();
}

bool AppContext::busy() const
{
    if (m_opening.busy() || m_devices->busy())
        return true;
    if (m_poller && (m_poller->busy() || m_history->stagedCount() > 0))
        return true;
    return false;
}

} // namespace kw::ui
