#include "ui/charts/ChartData.h"

#include "core/model/EvalResult.h"

#include <QObject>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace kw::ui {

double ChartData::niceBucket(double span, int target)
{
    static const double steps[] = {60,       300,       900,   1800,      3600,      3 * 3600,
                                   6 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400};
    const double want = span / std::max(1, target);
    for (double s : steps)
        if (s >= want)
            return s;
    return 30 * 86400;
}

ChartPoint ChartData::point(const CompactRow& r, float speedup, WinVerdict win)
{
    return {r.createdAt,       speedup,   r.problem, r.status, static_cast<std::uint8_t>(win),
            r.compileSpeedup,  r.speedup, r.run,     r.step,   r.wins,
            r.countsInScores()};
}

ChartSeries ChartData::build(const std::vector<ChartPoint>& points, const std::vector<QString>& problemNames,
                             int topProblems)
{
    ChartSeries s;
    s.total = static_cast<int>(points.size());
    if (points.empty())
        return s;
    s.tMin = points.front().time;
    s.tMax = points.front().time;
    for (const auto& p : points) {
        s.tMin = std::min(s.tMin, p.time);
        s.tMax = std::max(s.tMax, p.time);
    }

    // Points sorted by time for the scatter (QCustomPlot wants sorted keys).
    std::vector<int> order(points.size());
    std::iota(order.begin(), order.end(), 0);
    if (!std::is_sorted(order.begin(), order.end(),
                        [&](int a, int b) { return points[a].time < points[b].time; })) {
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return points[a].time < points[b].time; });
    }

    // Histogram over log10(speedup) from 1/100× to 100×.
    constexpr double lo = -2.0, hi = 2.0;
    const int bins = static_cast<int>(std::round((hi - lo) / s.histBinWidth));
    s.histLog10.resize(bins);
    s.histCount.fill(0, bins);
    for (int b = 0; b < bins; ++b)
        s.histLog10[b] = lo + (b + 0.5) * s.histBinWidth;

    // Rates per bucket.
    s.bucketSeconds = niceBucket(std::max(1.0, s.tMax - s.tMin));
    const double t0 = std::floor(s.tMin / s.bucketSeconds) * s.bucketSeconds;
    const int nb = static_cast<int>((s.tMax - t0) / s.bucketSeconds) + 1;
    std::vector<int> total(static_cast<std::size_t>(nb), 0), compiled(static_cast<std::size_t>(nb), 0),
        correct(static_cast<std::size_t>(nb), 0);

    std::unordered_map<std::uint32_t, double> best;
    std::unordered_set<std::uint32_t> withoutWin; // problems with a correct speedup

    for (int idx : order) {
        const ChartPoint& p = points[static_cast<std::size_t>(idx)];
        const int st = std::min<int>(p.status, StatusStyle::kCount - 1);
        const auto status = StatusStyle::at(st);
        const bool hasSpeedup = std::isfinite(p.speedup) && p.speedup > 0;
        if (hasSpeedup) {
            ++s.withSpeedup;
            s.scatterTime[st].push_back(p.time);
            s.scatterSpeedup[st].push_back(p.speedup);
            s.scatterIndex[st].push_back(idx);
        }
        if (status == EvalStatus::Correct) {
            ++s.correct;
            if (hasSpeedup) {
                const double l = std::clamp(std::log10(double(p.speedup)), lo, hi - 1e-9);
                s.histCount[static_cast<int>((l - lo) / s.histBinWidth)] += 1;
                withoutWin.insert(p.problem);
                if (static_cast<WinVerdict>(p.win) == WinVerdict::Win) {
                    double& b = best[p.problem];
                    b = std::max(b, double(p.speedup));
                }
            }
        }
        if (StatusStyle::countsForRates(status)) {
            const auto b = static_cast<std::size_t>((p.time - t0) / s.bucketSeconds);
            if (b < total.size()) {
                ++total[b];
                compiled[b] += StatusStyle::compiled(status) ? 1 : 0;
                correct[b] += status == EvalStatus::Correct ? 1 : 0;
            }
        }
    }
    for (int b = 0; b < nb; ++b) {
        const auto i = static_cast<std::size_t>(b);
        if (total[i] == 0)
            continue;
        s.rateTime.push_back(t0 + (b + 0.5) * s.bucketSeconds);
        s.compileRate.push_back(100.0 * compiled[i] / total[i]);
        s.correctRate.push_back(100.0 * correct[i] / total[i]);
        s.rateCount.push_back(total[i]);
    }

    std::vector<std::pair<double, std::uint32_t>> ranked;
    ranked.reserve(best.size());
    for (const auto& [problem, sp] : best)
        ranked.emplace_back(sp, problem);
    s.problemsWithCorrect = static_cast<int>(ranked.size());
    for (const auto& [problem, sp] : best)
        withoutWin.erase(problem);
    s.problemsWithoutWin = static_cast<int>(withoutWin.size());
    std::sort(ranked.begin(), ranked.end(), [&problemNames](const auto& a, const auto& b) {
        if (a.first != b.first)
            return a.first > b.first;
        return a.second < problemNames.size() && b.second < problemNames.size()
                   ? problemNames[a.second] < problemNames[b.second]
                   : a.second < b.second;
    });
    for (std::size_t i = 0; i < ranked.size() && static_cast<int>(i) < topProblems; ++i) {
        const auto p = ranked[i].second;
        s.bestNames.push_back(p < problemNames.size() ? problemNames[p] : QString::number(p));
        s.bestSpeedup.push_back(ranked[i].first);
    }
    return s;
}

QString ChartSeries::nothingText() const
{
    return filterActive ? QObject::tr("No evaluations match the filter.")
                        : QObject::tr("No evaluations yet: submit a kernel, or follow a training run.");
}

} // namespace kw::ui
