#pragma once

#include "ui/base/Job.h"
#include "ui/base/MetaTypes.h"

#include <QObject>
#include <QString>

#include <memory>
#include <string>

namespace kw {
class HistoryStore;
}

namespace kw::ui {

class DeviceInventory;
class EvalService;
class HistoryFilterModel;
class HistoryModel;
class HistoryPoller;
class Settings;

// What every panel shares: settings, the history (store, model, filter, poller), the
// evaluation service and the local device inventory. Panels talk to each other only through
// its signals; the main window arranges them.
class AppContext : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString settingsFile;      // empty: the user's QSettings
        QString historyPath;       // empty: from settings
        bool startServices = true; // open the store, poll it, query devices
        // Unsaved editor text kept across restarts. Empty: beside settingsFile when that is
        // set (tests, screenshots), else under QStandardPaths::AppDataLocation.
        QString draftsFile;
    };

    explicit AppContext(const Options& options, QObject* parent = nullptr);
    ~AppContext() override;

    Settings& settings() const { return *m_settings; }
    HistoryModel* history() const { return m_history; }
    HistoryFilterModel* filtered() const { return m_filtered; }
    HistoryPoller* poller() const { return m_poller; }
    EvalService* evals() const { return m_evals; }
    DeviceInventory* devices() const { return m_devices; }
    std::shared_ptr<HistoryStore> store() const { return m_store; }
    QString storeError() const { return m_storeError; }
    QString historyPath() const { return m_historyPath; }
    QString draftsPath() const { return m_draftsPath; }
    bool storeReady() const { return m_storeOpened; }
    // Options::startServices: false in tests that build panels without their background work.
    bool servicesStarted() const { return m_servicesStarted; }

    // Opens (or re-opens) the store off the UI thread; emits storeOpened or storeFailed.
    void openStore(const QString& path);
    // Tests inject an evaluator for a target ("local").
    void setEvaluatorFactory(const QString& target, std::function<std::unique_ptr<Evaluator>()> factory);
    // What the "modal" target answers while its configuration is unusable: ModalConfig::validate()'s
    // message (what to do), followed by where to fix it in the GUI. Empty for an empty error.
    static QString modalUnavailableReason(const std::string& configError);
    // True while something a screenshot should wait for is loading.
    bool busy() const;

Q_SIGNALS:
    void storeOpened();
    void storeFailed(const QString& message);
    void panelRequested(const QString& panelId);
    // Show this evaluation (a chart's point was clicked): Evaluations selects its row.
    void resultRequested(qint64 rowId);
    // Ask the Submit panel to load a request (and run it when runNow).
    void submitRequested(const kw::EvalRequest& request, bool runNow);
    void statusMessage(const QString& text, int timeoutMs);

private:
    struct Opened
    {
        std::shared_ptr<HistoryStore> store;
        QString error;
    };
    void onStoreOpened(Opened o);
    void installLocalBackend();
    void installModalBackend();

    Settings* m_settings = nullptr;
    HistoryModel* m_history = nullptr;
    HistoryFilterModel* m_filtered = nullptr;
    HistoryPoller* m_poller = nullptr;
    EvalService* m_evals = nullptr;
    DeviceInventory* m_devices = nullptr;
    std::shared_ptr<HistoryStore> m_store;
    Job<Opened> m_opening{this};
    QString m_historyPath;
    QString m_draftsPath;
    QString m_storeError;
    bool m_storeOpened = false;
    bool m_servicesStarted = true;
    bool m_customFactory = false;
    bool m_customModalFactory = false;
    bool m_localDescribed = false;
};

} // namespace kw::ui
