#pragma once

#include "ui/base/StatusStyle.h"
#include "ui/models/CompactRow.h"

#include <QString>
#include <QVector>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace kw::ui {

// What the charts need from one evaluation (copied from the filtered rows on the UI thread,
// then crunched on a worker).
struct ChartPoint
{
    double time = 0;
    float speedup = 0; // against the chosen baseline; NaN when absent
    std::uint32_t problem = 0;
    std::uint8_t status = 0;
    std::uint8_t win = 2; // kw::WinVerdict (2: Unknown); only a Win is charted as a best
    // Issue 17: the speedup against each baseline and the fast_p verdicts, for the scores.
    float compileSpeedup = std::numeric_limits<float>::quiet_NaN();
    float eagerSpeedup = std::numeric_limits<float>::quiet_NaN();
    std::uint32_t run = 0; // StringPool index (0: no run)
    std::int32_t step = -1;
    std::uint8_t wins = 0; // CompactRow::wins
    bool counted = true;   // false: cancelled or not run here, left out of the scores
};

struct ChartSeries
{
    // Speedup over time, one series per status; index → ChartInput::points for tooltips.
    std::array<QVector<double>, StatusStyle::kCount> scatterTime, scatterSpeedup;
    std::array<std::vector<int>, StatusStyle::kCount> scatterIndex;
    // Histogram of log10(speedup) of correct results.
    QVector<double> histLog10, histCount;
    double histBinWidth = 0.1;
    // Compile and correct rate (percent) per time bucket, with the bucket sizes.
    QVector<double> rateTime, compileRate, correctRate, rateCount;
    double bucketSeconds = 3600;
    // Best significant speedup per problem (WinVerdict::Win: correct, trustworthy timing, whole 95 %
    // interval above 1×, not faster than light), best first (at most `topProblems`). A problem whose
    // speedups are all noise, straddle 1× or have no interval is not charted; it is counted in
    // problemsWithoutWin.
    QVector<QString> bestNames;
    QVector<double> bestSpeedup;
    int problemsWithCorrect = 0; // problems with a significant win (the charted ones, before top-N)
    int problemsWithoutWin = 0;  // problems with a correct speedup but no significant win
    int total = 0, withSpeedup = 0, correct = 0;
    double tMin = 0, tMax = 0;
    bool filterActive = false; // set by the panel: an empty chart says "none match" or "none yet"

    // The empty chart's words when nothing at all is left to plot.
    QString nothingText() const;
};

// Turns the filtered points into the four charts' series. Pure; safe on any thread.
class ChartData
{
public:
    static ChartSeries build(const std::vector<ChartPoint>& points, const std::vector<QString>& problemNames,
                             int topProblems = 20);
    static double niceBucket(double spanSeconds, int targetBuckets = 48);
    // One table row as a chart point, its speedup and best-chart verdict against the baseline shown.
    static ChartPoint point(const CompactRow& r, float speedup, WinVerdict win);
};

} // namespace kw::ui
