#pragma once

#include "core/base/FileTailer.h"
#include "core/watch/MetricsLineCollector.h"
#include "core/watch/RunBatches.h"
#include "core/watch/RunInfo.h"
#include "core/watch/StepMapper.h"
#include "core/watch/TraceLineCollector.h"
#include "core/watch/TraceResultBuilder.h"
#include "core/watch/WatchSource.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kw {

class HistoryStore;
class StoreWriter;

// Follows one kernel_rl run directory: traces.jsonl (one line per evaluated turn) and
// metrics.jsonl (one line per step), live, with appends, partial lines, truncation and
// replacement (FileTailer). Keeps a compact index of every trace line (TraceRecord, ~170 bytes;
// prompts, responses and code stay in the file: loadTraceDetails), gives rows their step
// (StepMapper), turns valid rows into EvalResults (source "run") and adds them to the history
// store in one transaction per batch, before telling anyone about them (onResults). Table rows
// (onTraces) are delivered first and do not wait for the store. With a StoreWriter the poll never
// waits for SQLite at all: onResults then runs on the writer's thread.
//
// Phases: Indexing reads what the files hold now (rows delivered at once, step -1 unless the line
// has one), then steps are resolved for all rows (onStepsChanged) and onIndexed fires: the table
// is complete. Sweeping re-reads the valid rows' lines in bounded batches to build and store their
// results (rows the store already has are skipped unless onResults is set) while new lines are
// already followed. Live: new lines are parsed, stepped, stored and delivered as they come.
//
// poll() is bounded by its byte budget; callbacks run on the polling thread, in batches. The
// accessors (stats, records, metrics) may be called from any thread.
class RunDirWatcher : public WatchSource
{
public:
    enum class Phase
    {
        Indexing,
        Sweeping,
        Live
    };

    struct Options
    {
        std::string runDir;
        std::string runName;                  // default: the directory's name
        HistoryStore* store = nullptr;        // not owned; results are added synchronously, in poll()
        StoreWriter* writer = nullptr;        // not owned; results are added on its thread (takes precedence)
        bool buildResults = true;             // EvalResults for valid rows (needed by store and onResults)
        std::size_t maxPendingResults = 4096; // the sweep waits while the writer holds this many
        std::size_t maxLineBytes = 16u << 20;
        std::size_t sweepChunkBytes = 4u << 20;
    };

    struct Callbacks
    {
        std::function<void(const TraceBatch&)> onTraces;
        std::function<void(const ResultBatch&)> onResults;
        std::function<void(const MetricsBatch&)> onMetrics;
        // The file started over: rows (or metrics) delivered before are void.
        std::function<void(const std::string& run, RunFile file, TailReset why)> onReset;
        // Steps of rows [first, first + count) changed (after indexing).
        std::function<void(const std::string& run, std::size_t first, std::size_t count)> onStepsChanged;
        std::function<void(const std::string& run)> onIndexed;  // the index holds the whole file
        std::function<void(const std::string& run)> onCaughtUp; // results swept; live from now on
        std::function<void(const std::string& run, const std::string& message)> onError;
    };

    RunDirWatcher(Options options, Callbacks callbacks);
    ~RunDirWatcher() override;

    PollStatus poll(std::size_t byteBudget) override;
    std::vector<std::string> watchedDirs() const override { return {m_dir}; }

    const std::string& name() const { return m_name; }
    const std::string& dir() const { return m_dir; }
    std::string tracesPath() const { return m_dir + "/traces.jsonl"; }
    std::string metricsPath() const { return m_dir + "/metrics.jsonl"; }

    Phase phase() const;
    bool indexed() const { return phase() != Phase::Indexing; }
    bool caughtUp() const { return phase() == Phase::Live; }
    RunInfo info() const;
    RunWatchStats stats() const;
    std::size_t recordCount() const;
    std::vector<TraceRecord> records(std::size_t first = 0,
                                     std::size_t count = static_cast<std::size_t>(-1)) const;
    std::vector<MetricsRecord> metrics() const;
    std::vector<StepMapper::Boundary> stepBoundaries() const;

private:
    void readConfig();
    bool pollMetrics(std::size_t budget, PollStatus& status);
    bool pollTraces(std::size_t budget, PollStatus& status);
    void pollCheckpoints(bool live);
    void finishIndexing();
    bool sweep(std::size_t budget, PollStatus& status);
    void deliverResults(std::vector<EvalResult>&& results, std::vector<std::size_t>&& indices);
    HistoryStore* storeForLookups() const;
    void error(const std::string& message);

    Options m_opts;
    Callbacks m_cb;
    std::string m_dir, m_name;
    TraceContext m_ctx;
    std::unique_ptr<FileTailer> m_traces, m_metricsTail;
    std::unique_ptr<TraceLineCollector> m_traceSink;
    std::unique_ptr<MetricsLineCollector> m_metricsSink;
    StepMapper m_steps;
    std::size_t m_sweepPos = 0, m_sweepEnd = 0; // rows [pos, end) still to sweep
    bool m_configRead = false;
    std::uint64_t m_checkpointsOffset = 0;
    std::string m_lastError;

    mutable std::mutex m_mutex; // guards what the accessors read
    Phase m_phase = Phase::Indexing;
    RunInfo m_info;
    RunWatchStats m_stats;
    std::vector<TraceRecord> m_index;
    std::vector<MetricsRecord> m_metrics;
};

} // namespace kw
