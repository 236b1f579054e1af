#pragma once

#include "TraceRecord.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace kw {

// Gives trace lines a training step. kernel_rl's traces.jsonl lines carry no step, but
// metrics.jsonl gets one line per finished step, written after that step's rollouts (and so after
// all of its trace lines) and before the next step's first trace line. So each metrics line marks
// a boundary in time: a trace line belongs to the first step whose boundary is not before its
// timestamp, and lines after the last boundary belong to the step in progress (last + 1).
//
// Where a boundary's time comes from, best first:
//  1. a wall-clock key in the metrics line (timestamp, time, _timestamp, wall_time);
//  2. live: the metrics file's modification time right after the line was read (addLive);
//  3. bulk (a run opened after the fact): the newest line is anchored at the file's mtime (or at
//     the last trace's time when the mtime is more than a step later: a stopped or copied run), and
//     each earlier boundary is the later one minus that step's time/total, then snapped to the
//     largest pause between trace timestamps near it (the training phase between two steps'
//     rollouts), so that estimation errors do not add up over hundreds of steps. With
//     time/rollout known, the next estimate starts from the last trace before the pause minus
//     the rollout time; otherwise from the first trace after it. Boundaries that stay unknown
//     (lines without time/total) take the longest pauses between the known ones, in order.
// A run dir without metrics.jsonl gives step -1 (unknown); an empty metrics.jsonl means the
// first step is running: step 0 (StepSource::Assumed). A step field in the line itself always
// wins (parseTraceLine). Pure: no I/O.
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
    };

    void clear() { m_bounds.clear(); }
    void setMetricsFileExists(bool exists) { m_metricsExists = exists; }

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

private:
    void estimateBackwards(std::size_t from, const std::vector<double>* sortedTimes);
    void fillFromPauses(const std::vector<double>& sortedTimes);
    void rebuildLookup();

    std::vector<Boundary> m_bounds;
    std::vector<std::pair<double, std::int64_t>> m_lookup; // (end, step), resolved ones, by end
    bool m_metricsExists = false;
};

} // namespace kw
