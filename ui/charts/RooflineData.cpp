#include "ui/charts/RooflineData.h"

#include <algorithm>
#include <cmath>

namespace kw::ui {

void DeviceRoofs::addCompute(const QString& precision, double peak)
{
    if (!(peak > 0) || !std::isfinite(peak))
        return;
    auto it = std::find_if(compute.begin(), compute.end(),
                           [&](const Compute& c) { return c.precision == precision; });
    if (it == compute.end())
        compute.push_back({precision, peak});
    else
        it->peakFlopsPerS = std::max(it->peakFlopsPerS, peak);
    std::sort(compute.begin(), compute.end(),
              [](const Compute& a, const Compute& b) { return a.peakFlopsPerS > b.peakFlopsPerS; });
}

namespace {
bool positive(double v)
{
    return std::isfinite(v) && v > 0;
}
// Rounds outwards to whole decades, so the log axes start and end on a labelled tick.
double decadeBelow(double v)
{
    return std::pow(10.0, std::floor(std::log10(v)));
}
double decadeAbove(double v)
{
    return std::pow(10.0, std::ceil(std::log10(v)));
}
} // namespace

RooflineSeries RooflineData::build(const std::vector<RooflinePoint>& points, std::uint32_t device,
                                   const DeviceRoofs& roofs)
{
    RooflineSeries s;
    double xLo = HUGE_VAL, xHi = 0, yLo = HUGE_VAL, yHi = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const RooflinePoint& p = points[i];
        if (p.device != device)
            continue;
        if (!positive(p.intensity) || !positive(p.flopsPerS)) {
            ++s.skipped;
            continue;
        }
        const auto st = static_cast<std::size_t>(std::min<int>(p.status, StatusStyle::kCount - 1));
        (p.estimated ? s.hollowX : s.x)[st].push_back(p.intensity);
        (p.estimated ? s.hollowY : s.y)[st].push_back(p.flopsPerS);
        (p.estimated ? s.hollowIndex : s.index)[st].push_back(static_cast<int>(i));
        ++s.plotted;
        xLo = std::min(xLo, p.intensity);
        xHi = std::max(xHi, p.intensity);
        yLo = std::min(yLo, p.flopsPerS);
        yHi = std::max(yHi, p.flopsPerS);
    }

    const double bw = positive(roofs.peakBytesPerS) ? roofs.peakBytesPerS : 0;
    double topPeak = 0;
    for (const auto& c : roofs.compute)
        topPeak = std::max(topPeak, c.peakFlopsPerS);
    // The ridges (where a compute roof meets the memory roof) belong on the chart too.
    if (bw > 0 && topPeak > 0) {
        for (const auto& c : roofs.compute) {
            xLo = std::min(xLo, c.peakFlopsPerS / bw);
            xHi = std::max(xHi, c.peakFlopsPerS / bw);
        }
    }
    if (topPeak > 0)
        yHi = std::max(yHi, topPeak);
    if (!(xHi > 0)) {
        xLo = 0.1;
        xHi = 100;
    }
    s.xMin = decadeBelow(xLo / 3);
    s.xMax = decadeAbove(xHi * 3);
    if (bw > 0)
        yLo = std::min(yLo, bw * s.xMin);
    if (!(yHi > 0)) {
        yLo = 1e9;
        yHi = 1e12;
    }
    s.yMin = decadeBelow(std::max(yLo / 3, yHi * 1e-9));
    s.yMax = decadeAbove(yHi * 3);

    if (bw > 0) {
        const double ridge = topPeak > 0 ? topPeak / bw : s.xMax;
        s.memoryX = {s.xMin, std::min(ridge, s.xMax)};
        s.memoryY = {bw * s.memoryX[0], bw * s.memoryX[1]};
    }
    for (const auto& c : roofs.compute) {
        RooflineSeries::ComputeLine line;
        line.precision = c.precision;
        line.peak = c.peakFlopsPerS;
        const double from = bw > 0 ? std::max(s.xMin, c.peakFlopsPerS / bw) : s.xMin;
        line.x = {from, s.xMax};
        line.y = {c.peakFlopsPerS, c.peakFlopsPerS};
        s.computeLines.push_back(line);
    }
    return s;
}

} // namespace kw::ui
