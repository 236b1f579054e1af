// The roofline: points per status (hollow where the FLOPs were estimated), the memory and compute
// roofs from the device's peaks, log axes that never see a zero or negative value, hover and click.
#include "ui/charts/RooflineChart.h"
#include "ui/charts/RooflineData.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace kw;
using namespace kw::ui;

namespace {
RooflinePoint point(double intensity, double flops, EvalStatus status, bool estimated, std::int64_t rowId,
                    std::uint32_t device = 1)
{
    RooflinePoint p;
    p.intensity = intensity;
    p.flopsPerS = flops;
    p.status = static_cast<std::uint8_t>(status);
    p.estimated = estimated;
    p.rowId = rowId;
    p.device = device;
    p.problem = 1;
    p.speedup = 2.54;
    p.solPercent = 87.8;
    return p;
}

DeviceRoofs h100()
{
    DeviceRoofs r;
    r.peakBytesPerS = 3.35e12;
    r.addCompute(QStringLiteral("fp32"), 67e12);
    r.addCompute(QStringLiteral("bf16"), 989.4e12);
    r.addCompute(QStringLiteral("fp32"), 51.6e12); // a lower figure for the same precision: the highest stays
    return r;
}

constexpr auto kCorrect = static_cast<std::size_t>(EvalStatus::Correct);
constexpr auto kRejected = static_cast<std::size_t>(EvalStatus::Rejected);
} // namespace

class TestRoofline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pointsByStatusHollowWhenEstimated()
    {
        const std::vector<RooflinePoint> points = {
            point(0.125, 0.37e12, EvalStatus::Correct, true, 11), // swish: estimated FLOPs
            point(341, 49e12, EvalStatus::Correct, false, 12),    // matmul: counted
            point(0.125, 2.1e12, EvalStatus::Rejected, true, 13), // above the roof
            point(50, 1e12, EvalStatus::Correct, false, 14, 2),   // another device
        };
        const RooflineSeries s = RooflineData::build(points, 1, h100());
        QCOMPARE(s.plotted, 3);
        QCOMPARE(s.skipped, 0);
        QCOMPARE(s.x[kCorrect].size(), 1);
        QCOMPARE(s.x[kCorrect][0], 341.0);
        QCOMPARE(s.hollowX[kCorrect].size(), 1);
        QCOMPARE(s.hollowY[kCorrect][0], 0.37e12);
        QCOMPARE(s.hollowIndex[kCorrect][0], 0);
        QCOMPARE(s.hollowIndex[kRejected][0], 2);
        QCOMPARE(s.index[kCorrect][0], 1);
        QVERIFY(s.x[kRejected].isEmpty());
    }

    void roofsFromThePeaks()
    {
        const std::vector<RooflinePoint> points = {point(0.125, 0.37e12, EvalStatus::Correct, true, 1)};
        const RooflineSeries s = RooflineData::build(points, 1, h100());
        // Memory roof: bandwidth × intensity, from the left edge to the highest ridge.
        QCOMPARE(s.memoryX.size(), 2);
        QCOMPARE(s.memoryY[0] / s.memoryX[0], 3.35e12);
        QCOMPARE(s.memoryX[1], 989.4e12 / 3.35e12);
        QCOMPARE(s.memoryY[1], 989.4e12);
        // Compute roofs per precision, highest first, each from its own ridge to the right edge.
        QCOMPARE(s.computeLines.size(), std::size_t(2));
        QCOMPARE(s.computeLines[0].precision, QStringLiteral("bf16"));
        QCOMPARE(s.computeLines[1].precision, QStringLiteral("fp32"));
        QCOMPARE(s.computeLines[1].peak, 67e12);
        QCOMPARE(s.computeLines[1].x[0], 67e12 / 3.35e12);
        QCOMPARE(s.computeLines[1].x[1], s.xMax);
        // The axes hold the point, the ridges and the roofs, on whole decades.
        QVERIFY(s.xMin <= 0.125 && s.xMax >= 989.4e12 / 3.35e12);
        QVERIFY(s.yMax >= 989.4e12 && s.yMin <= 0.37e12);
        QCOMPARE(std::log10(s.xMin), std::round(std::log10(s.xMin)));
    }

    void logAxesSafeForZeroNegativeAndMissing()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const std::vector<RooflinePoint> points = {
            point(0, 1e12, EvalStatus::Correct, false, 1),
            point(-3, 1e12, EvalStatus::Correct, false, 2),
            point(10, 0, EvalStatus::Correct, false, 3),
            point(10, -1, EvalStatus::Correct, false, 4),
            point(nan, 1e12, EvalStatus::Correct, false, 5),
            point(10, INFINITY, EvalStatus::Correct, false, 6),
            point(10, 5e12, EvalStatus::Incorrect, false, 7),
        };
        const RooflineSeries s = RooflineData::build(points, 1, h100());
        QCOMPARE(s.plotted, 1);
        QCOMPARE(s.skipped, 6);
        QVERIFY(s.xMin > 0 && s.yMin > 0 && std::isfinite(s.xMax) && std::isfinite(s.yMax));
        // Nothing at all and no peaks: still a positive, finite frame.
        const RooflineSeries empty = RooflineData::build({}, 1, DeviceRoofs());
        QCOMPARE(empty.plotted, 0);
        QVERIFY(empty.memoryX.isEmpty() && empty.computeLines.empty());
        QVERIFY(empty.xMin > 0 && empty.yMin > 0 && empty.xMax > empty.xMin && empty.yMax > empty.yMin);
    }

    void hoverAndClick()
    {
        auto points = std::make_shared<std::vector<RooflinePoint>>(
            std::vector<RooflinePoint>{point(0.125, 0.37e12, EvalStatus::Correct, true, 41),
                                       point(341, 49e12, EvalStatus::Correct, false, 42)});
        auto names = std::make_shared<std::vector<QString>>(
            std::vector<QString>{QString(), QStringLiteral("samples/swish")});
        RooflineChart chart;
        chart.resize(700, 480);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setData(RooflineData::build(*points, 1, h100()), points, names, QStringLiteral("NVIDIA H100"));
        chart.replot();
        const QPoint at(int(chart.xAxis->coordToPixel(0.125)), int(chart.yAxis->coordToPixel(0.37e12)));
        QCOMPARE(chart.pointAt(at), 0);
        const QString tip = chart.tooltipFor(chart.pointAt(at));
        QVERIFY2(tip.contains(QStringLiteral("samples/swish")) && tip.contains(QStringLiteral("#41")) &&
                     tip.contains(QStringLiteral("2.54×")) && tip.contains(QStringLiteral("87.8 %")) &&
                     tip.contains(QStringLiteral("estimated")),
                 qPrintable(tip));
        QVERIFY(!chart.tooltipFor(1).contains(QStringLiteral("estimated")));
        QCOMPARE(chart.pointAt(at + QPoint(40, 40)), -1);

        QSignalSpy clicked(&chart, &RooflineChart::resultClicked);
        QTest::mouseClick(&chart, Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toLongLong(), 41);
        // A drag that ends on a point pans; it selects nothing.
        QTest::mousePress(&chart, Qt::LeftButton, {}, at + QPoint(30, 0));
        QTest::mouseMove(&chart, at);
        QTest::mouseRelease(&chart, Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
    }
};

QTEST_MAIN(TestRoofline)
#include "tst_roofline.moc"
