#include "StepMapper.h"

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
            if (anchor > times.back() + slack)
                anchor = times.back();
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
    if (!std::isfinite(b.end) && std::isfinite(seenAt))
        b.end = seenAt;
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

void StepMapper::rebuildLookup()
{
    m_lookup.clear();
    m_lookup.reserve(m_bounds.size());
    for (const auto& b : m_bounds)
        if (std::isfinite(b.end))
            m_lookup.emplace_back(b.end, b.step);
    if (!std::is_sorted(m_lookup.begin(), m_lookup.end()))
        std::stable_sort(m_lookup.begin(), m_lookup.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
}

std::pair<std::int32_t, StepSource> StepMapper::stepFor(double timestamp) const
{
    if (!m_metricsExists)
        return {-1, StepSource::None};
    if (m_bounds.empty())
        return {0, StepSource::Assumed};
    const std::int32_t inProgress = clampStep(lastStep() + 1);
    if (!std::isfinite(timestamp))
        return {inProgress, StepSource::Arrival};
    if (m_lookup.empty())
        return {-1, StepSource::None};
    auto it = std::lower_bound(m_lookup.begin(), m_lookup.end(), timestamp,
                               [](const auto& e, double t) { return e.first < t; });
    if (it == m_lookup.end())
        return {inProgress, StepSource::Arrival};
    return {clampStep(it->second), StepSource::Metrics};
}

} // namespace kw
