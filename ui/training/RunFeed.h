#pragma once

#include "core/watch/MetricsRecord.h"
#include "ui/training/TraceRow.h"
#include "ui/training/TraceTableModel.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace kw {
class HistoryStore;
class RunsRootWatcher;
class RunDirWatcher;
class WatchLoop;
} // namespace kw

namespace kw::ui {

// Follows a run directory or a runs root on a background WatchLoop and hands what arrives to the
// UI thread in batches: watcher callbacks fill a mutex-guarded staging area, the first one after
// a flush schedules one queued flush, and the flush emits updatesReady() once; the owner then
// takes everything staged with take(). Nothing here blocks the UI thread.
class RunFeed : public QObject
{
    Q_OBJECT
public:
    struct RunUpdate
    {
        QString dir;
        bool added = false;
        bool removed = false;
        bool tracesReset = false, metricsReset = false;
        bool indexed = false;
        std::vector<TraceRow> rows;
        std::vector<MetricsRecord> metrics; // values dropped; the named fields stay
        std::vector<std::pair<std::size_t, std::vector<TraceTableModel::StepValue>>> steps;
        std::vector<QString> errors;
    };
    using Updates = std::map<QString, RunUpdate>; // by run name

    struct RunState
    {
        QString name, dir;
        std::uint64_t bytes = 0;
        double lastLineAt = 0; // unix seconds, 0 = none yet
        bool live = false;     // caught up and following
    };

    explicit RunFeed(QObject* parent = nullptr);
    ~RunFeed() override;

    // Where evaluations found in followed runs are stored (source "run", deduplicated by id),
    // from the watch thread, after their rows reached the table. Applies to the next follow();
    // without a store only the table and charts are fed.
    void setStore(std::shared_ptr<HistoryStore> store) { m_store = std::move(store); }
    // Follows `path` (a run dir, or a root whose subdirectories are runs); stops what was followed.
    void follow(const QString& path, int pollMs = 250);
    void stop();
    QString path() const { return m_path; }

    Updates take();
    std::vector<RunState> runStates() const; // any thread-safe snapshot (small)
    int flushCount() const { return m_flushes; }

Q_SIGNALS:
    void updatesReady();

private:
    RunUpdate& staged(const std::string& run); // m_mutex held
    void schedule();
    void flush();

    QString m_path;
    std::shared_ptr<HistoryStore> m_store;
    std::unique_ptr<WatchLoop> m_loop;
    std::shared_ptr<RunsRootWatcher> m_root;

    mutable std::mutex m_mutex;
    Updates m_staged;
    std::map<std::string, std::shared_ptr<RunDirWatcher>> m_runs;
    std::atomic<bool> m_scheduled{false};
    int m_flushes = 0;
};

} // namespace kw::ui
