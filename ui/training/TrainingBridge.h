#pragma once

#include "ui/base/Job.h"
#include "ui/training/StepMetrics.h"
#include "ui/training/TraceRow.h"
#include "ui/training/TraceTableModel.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace kw {
class HistoryStore;
class RunsRootWatcher;
class RunDirWatcher;
class WatchLoop;
} // namespace kw

namespace kw::ui {

// The Training panel's way into the core (issue 16). Follows a run directory or a runs root on a
// background WatchLoop and hands what arrives to the UI thread in batches: each watcher callback
// post()s its part, the first one after a flush schedules one flush, and the flush emits
// updatesReady() once; the owner then takes everything staged with take(). Loads the details of a
// trace line on a Job (the latest request wins) and words the run alerts (core RunAlerts).
// Nothing here blocks the UI thread.
class TrainingBridge : public QObject
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
        std::vector<StepMetrics> metrics;
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

    // One trace line in full (core TraceDetails), as the details view shows it.
    struct Details
    {
        bool ok = false;
        QString error;
        QString evalResult;                        // eval_result as JSON, indented
        QList<std::pair<QString, QString>> reward; // reward breakdown: key, value
        QString thought;
        QList<std::pair<QString, QString>> prompt; // role, content
        QString kernel;                            // the kernel, else the raw response
    };

    explicit TrainingBridge(QObject* parent = nullptr);
    ~TrainingBridge() override;

    // Where evaluations found in followed runs are stored (source "run", deduplicated by id),
    // from the watch thread, after their rows reached the table. Applies to the next follow();
    // without a store only the table and charts are fed.
    void setStore(std::shared_ptr<HistoryStore> store) { m_store = std::move(store); }
    // Follows `path` (a run dir, or a root whose subdirectories are runs); stops what was followed.
    void follow(const QString& path, int pollMs = 250);
    void stop();
    QString path() const { return m_path; }

    Updates take();
    std::vector<RunState> runStates() const;
    int flushCount() const { return m_flushes; }

    // Loads the line at offset/length of `runDir`/traces.jsonl; detailsLoaded follows unless a
    // later request came first.
    void loadDetails(const QString& runDir, const TraceRow& row);

    // The alerts of one run now, in words: the last rows of its table (file order), how long it
    // has been quiet, and the stall limit.
    static QStringList alerts(const QString& run, double quietSeconds, const std::vector<TraceRow>& rows,
                              int stallSeconds);
    // Whether a step number is exact, and where it came from in words (the table's tooltip).
    static bool stepExact(StepSource s);
    static QString stepExplanation(StepSource s);

Q_SIGNALS:
    void updatesReady();
    void detailsLoaded(const kw::ui::TrainingBridge::Details& details);

private:
    void schedule();
    void flush();

    QString m_path;
    std::shared_ptr<HistoryStore> m_store;
    std::unique_ptr<WatchLoop> m_loop;
    std::shared_ptr<RunsRootWatcher> m_root;

    std::uint64_t m_generation = 0; // of follow(): what an earlier one posted is dropped
    Updates m_staged;
    bool m_scheduled = false;
    std::map<std::string, std::shared_ptr<RunDirWatcher>> m_runs;      // UI thread: for runStates()
    std::map<std::string, std::shared_ptr<RunDirWatcher>> m_watchRuns; // watch thread: for steps
    int m_flushes = 0;
    Job<Details> m_details{this};
};

} // namespace kw::ui
