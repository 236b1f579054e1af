#include "core/watch/StepMapper.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kw {

namespace {
constexpr double kMinPause = 1.0;  // seconds: a smaller gap between traces is not a step boundary
constexpr double kMinWindow = 5.0; // seconds searched on each side of an estimate

std::int32_t clampStep(std::int64_t s)
{
    return s > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<std::int32_t>(s);
}
} // namespace

void StepMapper::addBulk(std::int64_t step, double wallTime, double total, double rollout)
{
    Boundary b;
    b.step = step;
    b.total = total;
    b.rollout = rollout;
    b.wallTime = wallTime;
    if (std::isfinite(wallTime))
        b.end = wallTime;
    m_bounds.push_back(b);
}

void StepMapper::resolve(std::vector<double> times, double metricsMtime)
{
    times.erase(std::remove_if(times.begin(), times.end(), [](double t) { return !std::isfinite(t); }),
                times.end());
    std::sort(times.begin(), times.end());
    if (!m_bounds.empty()) {
        Boundary& last = m_bounds.back();
        double anchor = metricsMtime;
        // A run that stopped long ago, or files copied elsewhere, have an mtime far after the
        // last trace: then the last trace is the last step's (and ends it, near enough).
        if (!times.empty() && std::isfinite(anchor)) {
            const double slack = std::isfinite(last.total) ? std::max(last.total, 60.0) : 3600.0;
            if (anchor > times.back() + slack) {
                // The last step ended after its last trace by its training phase (kernel_rl trains
                // for time/total - time/rollout after the rollouts).
                const double training = std::isfinite(last.total) && std::isfinite(last.rollout)
                                            ? std::max(0.0, last.total - last.rollout)
                                            : 0.0;
                anchor = times.back() + training;
            }
        }
        if (!std::isfinite(last.end) && std::isfinite(anchor))
            last.end = anchor;
        // Resolve backwards from every anchored boundary (the newest, and any with a wall time).
        for (std::size_t i = m_bounds.size(); i-- > 0;)
            if (std::isfinite(m_bounds[i].end) && (i == 0 || !std::isfinite(m_bounds[i - 1].end)))
                estimateBackwards(i, &times);
        fillFromPauses(times);
    }
    rebuildLookup();
}

void StepMapper::fillFromPauses(const std::vector<double>& sorted)
{
    // Boundaries still unknown (lines without time/total): k unknown boundaries between two known
    // ones go to the k longest pauses between the traces in that interval, in time order.
    std::size_t i = 0;
    while (i < m_bounds.size()) {
        if (std::isfinite(m_bounds[i].end)) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < m_bounds.size() && !std::isfinite(m_bounds[j].end))
            ++j;
        if (j == m_bounds.size())
            return; // nothing known after them: no interval to search
        const double lo = i == 0 ? -std::numeric_limits<double>::infinity() : m_bounds[i - 1].end;
        const double hi = m_bounds[j].end;
        auto first = std::upper_bound(sorted.begin(), sorted.end(), lo);
        auto last = std::upper_bound(sorted.begin(), sorted.end(), hi);
        std::vector<std::pair<double, double>> gaps; // (length, lower timestamp)
        for (auto it = first; it != last && it + 1 != last; ++it)
            if (*(it + 1) - *it >= kMinPause)
                gaps.emplace_back(*(it + 1) - *it, *it);
        const std::size_t need = j - i;
        if (gaps.size() >= need) {
            std::partial_sort(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(need), gaps.end(),
                              [](const auto& a, const auto& b) { return a.first > b.first; });
            std::vector<double> ends;
            for (std::size_t k = 0; k < need; ++k)
                ends.push_back(gaps[k].second);
            std::sort(ends.begin(), ends.end());
            for (std::size_t k = 0; k < need; ++k)
                m_bounds[i + k].end = ends[k];
        }
        i = j;
    }
}

void StepMapper::addLive(std::int64_t step, double wallTime, double total, double rollout, double seenAt)
{
    addBulk(step, wallTime, total, rollout);
    Boundary& b = m_bounds.back();
    if (!std::isfinite(b.end) && std::isfinite(seenAt)) {
        b.end = seenAt;
        b.seen = true;
    }
    if (std::isfinite(b.end))
        estimateBackwards(m_bounds.size() - 1, nullptr);
    rebuildLookup();
}

void StepMapper::estimateBackwards(std::size_t from, const std::vector<double>* sorted)
{
    double proxyEnd = m_bounds[from].end; // the (estimated) end of step `i`
    for (std::size_t i = from; i >= 1; --i) {
        const Boundary& cur = m_bounds[i];
        Boundary& prev = m_bounds[i - 1];
        if (std::isfinite(prev.end))
            return; // already anchored: the caller resolves from there
        if (!std::isfinite(proxyEnd) || !std::isfinite(cur.total) || cur.total < 0)
            return; // nothing to estimate from
        const double est = proxyEnd - cur.total;
        double nextProxy = est;
        prev.end = est;
        if (sorted && !sorted->empty()) {
            const bool hasRollout = std::isfinite(prev.rollout) && std::isfinite(prev.total);
            const double pause =
                hasRollout ? prev.total - prev.rollout : (std::isfinite(prev.total) ? 0.1 * prev.total : 0.0);
            const double w = std::max(kMinWindow, 0.5 * pause);
            auto lo = std::lower_bound(sorted->begin(), sorted->end(), est - w);
            auto hi = std::upper_bound(sorted->begin(), sorted->end(), est + w);
            if (lo != sorted->begin())
                --lo; // the trace just before the window
            if (hi == sorted->end())
                --hi; // hi: the last trace considered (just after the window when there is one)
            double bestGap = 0, a = 0, b = 0;
            for (auto it = lo; it < hi; ++it) {
                const double gap = *(it + 1) - *it;
                if (gap > bestGap) {
                    bestGap = gap;
                    a = *it;
                    b = *(it + 1);
                }
            }
            if (bestGap >= kMinPause) {
                prev.end = a;
                nextProxy = hasRollout ? a - prev.rollout + prev.total : b;
            }
        }
        proxyEnd = nextProxy;
    }
}

void StepMapper::setProcesses(std::vector<TensorboardStepTimes> processes)
{
    processes.erase(std::remove_if(processes.begin(), processes.end(),
                                   [](const TensorboardStepTimes& p) { return !p.hasStart; }),
                    processes.end());
    std::sort(processes.begin(), processes.end(),
              [](const TensorboardStepTimes& a, const TensorboardStepTimes& b) { return a.start < b.start; });
    m_processes = std::move(processes);
    rebuildLookup();
}

void StepMapper::addCheckpoint(std::int64_t batch, double seenAt)
{
    if (!std::isfinite(seenAt) || batch < 0)
        return;
    m_restarts.emplace_back(seenAt, batch);
    rebuildLookup();
}

void StepMapper::rebuildLookup()
{
    m_events.clear();
    m_tbEnd = -1e308;
    m_initial = 0;
    m_initialSource = StepSource::Assumed;

    bool tbHasSteps = false;
    for (const auto& p : m_processes)
        tbHasSteps = tbHasSteps || !p.steps.empty();
    if (tbHasSteps) {
        std::int64_t running = 0;
        bool first = true;
        for (const auto& p : m_processes) {
            if (!p.steps.empty())
                running = p.steps.front().first; // where this process started
            if (first) {
                m_initial = running;
                m_initialSource = StepSource::Tensorboard;
                first = false;
            }
            m_events.push_back({p.start, running, StepSource::Tensorboard});
            m_tbEnd = std::max(m_tbEnd, p.start);
            for (const auto& [step, at] : p.steps) {
                if (!std::isfinite(at) || at < p.start)
                    continue;
                running = step + 1;
                m_events.push_back({at, running, StepSource::Tensorboard});
                m_tbEnd = std::max(m_tbEnd, at);
            }
        }
    }
    bool firstBound = true;
    for (std::size_t i = 0; i < m_bounds.size(); ++i) {
        const Boundary& b = m_bounds[i];
        if (!std::isfinite(b.end))
            continue;
        // After step s ends, the next metrics line says which step ran next: s + 1 normally, an
        // earlier one after a resume_from_batch re-run (metrics steps 0 1 2 1 2).
        const std::int64_t next = i + 1 < m_bounds.size() ? m_bounds[i + 1].step : b.step + 1;
        const StepSource src =
            b.seen || std::isfinite(b.wallTime) ? StepSource::Metrics : StepSource::Estimated;
        if (firstBound && !tbHasSteps) {
            m_initial = b.step; // records before the first known end belong to that step
            m_initialSource = src;
        }
        firstBound = false;
        if (b.end > m_tbEnd) // where TensorBoard has spoken, it decides
            m_events.push_back({b.end, next, src});
    }
    for (const auto& [at, batch] : m_restarts)
        if (at > m_tbEnd)
            m_events.push_back({at, batch, StepSource::Checkpoint});
    std::stable_sort(m_events.begin(), m_events.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
}

std::pair<std::int32_t, StepSource> StepMapper::stepFor(double timestamp) const
{
    if (!std::isfinite(timestamp))
        return {clampStep(m_events.empty() ? m_initial : m_events.back().inProgress), StepSource::Arrival};
    // The last event strictly before the timestamp sets the step in progress.
    auto it = std::lower_bound(m_events.begin(), m_events.end(), timestamp,
                               [](const Event& e, double t) { return e.at < t; });
    if (it == m_events.begin())
        return {clampStep(m_initial), m_initialSource};
    --it;
    return {clampStep(it->inProgress), it->source};
}

} // namespace kw
