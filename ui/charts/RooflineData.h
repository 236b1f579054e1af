#pragma once

#include "ui/base/StatusStyle.h"

#include <QString>
#include <QVector>

#include <array>
#include <cstdint>
#include <vector>

namespace kw::ui {

// One evaluation with a speed-of-light estimate, as the roofline chart needs it.
struct RooflinePoint
{
    double intensity = 0; // arithmetic intensity, FLOP per byte
    double flopsPerS = 0; // achieved FLOP/s
    double speedup = 0;   // NaN when absent
    double solPercent = 0;
    std::int64_t rowId = 0;
    std::uint32_t problem = 0; // StringPool index
    std::uint32_t device = 0;  // StringPool index of the GPU
    std::uint8_t status = 0;   // kw::EvalStatus
    bool estimated = false;    // FLOPs assumed (1 per element), not counted
};

// A device's roofs, from the peaks its results' speed-of-light estimates used.
struct DeviceRoofs
{
    struct Compute
    {
        QString precision; // "fp32", "tf32", "bf16", ...
        double peakFlopsPerS = 0;
    };
    double peakBytesPerS = 0;
    std::vector<Compute> compute;                           // highest first
    void addCompute(const QString& precision, double peak); // keeps the highest per precision
    bool empty() const { return peakBytesPerS <= 0 && compute.empty(); }
};

struct RooflineSeries
{
    // Per status: filled (FLOPs counted) and hollow (FLOPs estimated) points, with the index of
    // each point in the input for tooltips and clicks.
    std::array<QVector<double>, StatusStyle::kCount> x, y, hollowX, hollowY;
    std::array<std::vector<int>, StatusStyle::kCount> index, hollowIndex;
    QVector<double> memoryX, memoryY; // the memory roof: bandwidth × intensity up to the top ridge
    struct ComputeLine
    {
        QString precision;
        double peak = 0;
        QVector<double> x, y; // horizontal, from its ridge to the right edge
    };
    std::vector<ComputeLine> computeLines;
    double xMin = 0.01, xMax = 1000, yMin = 1e9, yMax = 1e15;
    int plotted = 0;
    int skipped = 0; // on the device, but without a positive intensity or throughput (log axes)
};

// Pure: the points of one device and its roofs → what the chart draws.
class RooflineData
{
public:
    static RooflineSeries build(const std::vector<RooflinePoint>& points, std::uint32_t device,
                                const DeviceRoofs& roofs);
};

} // namespace kw::ui
