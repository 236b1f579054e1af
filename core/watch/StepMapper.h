#pragma once

#include "core/watch/TensorboardEvents.h"
#include "core/watch/TraceRecord.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace kw {

// Gives trace lines a training step. kernel_rl's traces.jsonl lines carry no step; the run directory
// says when each step ended, and the step of a record is the step in progress at its timestamp: the
// one set by the last event before it. Events, best first:
//  1. TensorBoard event files (after the fact): one file per training process; its first event is
//     the process start (the step in progress is the first step it logs, so a resume or a
//     resume_from_batch re-run starts where it really started), and the first scalar of step s
//     is written right after s's metrics line (then s + 1 is in progress). Exact, crashes included.
//  2. Live: each metrics line (step s ends when the file's mtime says it was written) and each
//     checkpoints.jsonl line (kernel_rl writes checkpoint `batch` b before step b runs, and a
//     resume writes its start checkpoint again), timed by the files' mtimes as they are read.
//  3. Without either (a run opened after the fact with no TensorBoard files): metrics lines alone,
//     estimated: the newest line anchored at the file's mtime (or at the last trace's time when
//     the mtime is more than a step later), each earlier boundary at the later one minus that
//     step's time/total, snapped to the largest pause between trace timestamps near it; boundaries
//     that stay unknown take the longest pauses between known ones, in order.
// Before any event the first step (0) is assumed: kernel_rl writes metrics.jsonl only at the end
// of step 0. A step field in the line itself always wins (parseTraceLine). Pure: no I/O.
class StepMapper
{
public:
    struct Boundary
    {
        std::int64_t step = -1;
        double end = TraceRecord::kNone;   // boundary time (unix s); NaN until resolved
        double total = TraceRecord::kNone; // time/total
        double rollout = TraceRecord::kNone;
        double wallTime = TraceRecord::kNone;
        bool seen = false; // live: `end` is when the line was seen written, not an estimate
    };

    void clear()
    {
        m_bounds.clear();
        m_processes.clear();
        m_restarts.clear();
        rebuildLookup();
    }
    // After the fact: the TensorBoard event files' step times, one entry per process (any order).
    // While any has a step, these decide every timestamp up to their last event.
    void setProcesses(std::vector<TensorboardStepTimes> processes);
    // Live: a checkpoints.jsonl line read now (`seenAt`: the file's mtime): step `batch` runs from
    // then on. The `final` checkpoint is not passed.
    void addCheckpoint(std::int64_t batch, double seenAt);

    // Bulk: metrics lines in file order; call resolve() once trace timestamps are known.
    void addBulk(std::int64_t step, double wallTime, double total, double rollout);
    // traceTimestamps: every trace timestamp (any order, NaN ignored); metricsMtime: the metrics
    // file's modification time (anchors the newest unresolved line).
    void resolve(std::vector<double> traceTimestamps, double metricsMtime);
    // Live: a metrics line just read; `seenAt` is the file's mtime after the read when this is
    // the newest line of that read (NaN for older lines of the same read, estimated backwards).
    void addLive(std::int64_t step, double wallTime, double total, double rollout, double seenAt);

    std::pair<std::int32_t, StepSource> stepFor(double timestamp) const;

    const std::vector<Boundary>& boundaries() const { return m_bounds; }
    std::int64_t lastStep() const { return m_bounds.empty() ? -1 : m_bounds.back().step; }
    bool hasTensorboard() const { return m_tbEnd > -1e300; }

private:
    void estimateBackwards(std::size_t from, const std::vector<double>* sortedTimes);
    void fillFromPauses(const std::vector<double>& sortedTimes);
    void rebuildLookup();

    struct Event
    {
        double at = 0;
        std::int64_t inProgress = 0; // the step running after `at`
        StepSource source = StepSource::Metrics;
    };

    std::vector<Boundary> m_bounds;
    std::vector<TensorboardStepTimes> m_processes;
    std::vector<std::pair<double, std::int64_t>> m_restarts; // (seen at, batch), live checkpoints
    std::vector<Event> m_events;                             // every event, by time
    std::int64_t m_initial = 0;                              // the step before any event
    StepSource m_initialSource = StepSource::Assumed;
    double m_tbEnd = -1e308; // the last TensorBoard event's time
};

} // namespace kw
