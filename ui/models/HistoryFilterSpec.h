#pragma once

#include "core/model/EvalStatus.h"

#include <QString>

#include <cmath>
#include <cstdint>
#include <limits>

namespace kw::ui {

// What the Evaluations table (and the charts that follow it) show.
struct HistoryFilterSpec
{
    enum class TimeRange
    {
        Any,
        LastHour,
        Last24Hours,
        Last7Days,
        Last30Days,
        Custom
    };
    static constexpr std::uint32_t kAllStatuses = (1u << 9) - 1;

    QString text; // words, all must match one of problem/run/source/backend/target/GPU/status
    std::uint32_t statusMask = kAllStatuses; // bit per kw::EvalStatus
    QString problem;                         // exact; empty = all
    QString source;                          // exact; empty = all
    QString run;                             // exact; empty = all
    TimeRange range = TimeRange::Any;
    double customFrom = 0; // unix seconds, for Custom (0 = open)
    double customTo = 0;
    // % of speed of light, inclusive; NaN = open. With either bound set, rows without a
    // speed-of-light estimate are left out.
    double solMin = std::numeric_limits<double>::quiet_NaN();
    double solMax = std::numeric_limits<double>::quiet_NaN();

    bool acceptsStatus(EvalStatus s) const { return (statusMask >> static_cast<int>(s)) & 1u; }
    void setStatus(EvalStatus s, bool on);
    bool isEmpty() const;
    bool hasSolRange() const { return !std::isnan(solMin) || !std::isnan(solMax); }
    bool acceptsSol(double percent) const
    {
        return !std::isnan(percent) && (std::isnan(solMin) || percent >= solMin) &&
               (std::isnan(solMax) || percent <= solMax);
    }
    void clearSolRange() { solMin = solMax = std::numeric_limits<double>::quiet_NaN(); }
    // [from, to) in unix seconds for the range, relative to `now`; 0 means open.
    void window(double now, double& from, double& to) const;
    QString describe() const; // "status: correct · problem: level1/19_ReLU · last 24 hours"
    static QString rangeLabel(TimeRange r);
    QString solLabel() const; // "≥ 50 % SOL", "10–60 % SOL", "any % SOL"

    bool operator==(const HistoryFilterSpec& o) const;
};

} // namespace kw::ui
