#include "core/model/HistoryStore.h"
#include "ui/charts/BestSpeedupChart.h"
#include "ui/charts/ChartData.h"
#include "ui/charts/ChartWidget.h"
#include "ui/charts/ChartsPanel.h"
#include "ui/charts/RatesChart.h"
#include "ui/charts/SpeedupTimeChart.h"
#include "ui/charts/TimeAxisTicker.h"
#include "ui/demo/DemoData.h"
#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"
#include "ui/services/AppContext.h"

#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

using namespace kw;
using namespace kw::ui;

namespace {
// A chart with one "point" on its left half.
class PointChart : public kw::ui::ChartWidget
{
public:
    PointChart() : ChartWidget(QStringLiteral("Test")) {}
    void resetZoom() override {}

protected:
    QString tooltipAt(const QPoint& pos) const override
    {
        return pos.x() < width() / 2 ? QStringLiteral("level1/19_ReLU · 1.42×") : QString();
    }
};
} // namespace

class TestCharts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Time axes: whatever the span (seconds to months), no two tick labels read the same and they
    // stay few enough to fit a 1024 px window's chart.
    void timeTicksAreDistinct_data()
    {
        QTest::addColumn<double>("span");
        for (double span : {20.0, 65.0, 210.0, 900.0, 5400.0, 86400.0, 9 * 86400.0, 120 * 86400.0})
            QTest::newRow(qPrintable(QString::number(span))) << span;
    }
    void timeTicksAreDistinct()
    {
        QFETCH(double, span);
        TimeAxisTicker ticker;
        const double t0 = 1.8e9 + 17;
        QVector<double> ticks;
        QVector<QString> labels;
        ticker.generate(QCPRange(t0, t0 + span), QLocale::c(), u'g', 6, ticks, nullptr, &labels);
        QVERIFY2(labels.size() >= 2 && labels.size() <= 10, qPrintable(QString::number(labels.size())));
        QSet<QString> seen(labels.begin(), labels.end());
        QVERIFY2(seen.size() == labels.size(),
                 qPrintable(QStringList(labels.begin(), labels.end()).join(u'|')));
    }

    // Issue 13: "Best speedup per problem" charts only significant wins. A noisy 9.9× is left
    // out (its problem's best is the significant 1.3×); a problem with no significant win is not
    // charted but counted.
    void bestPerProblemExcludesNoise()
    {
        const auto win = std::uint8_t(WinVerdict::Win), notAWin = std::uint8_t(WinVerdict::NotAWin),
                   unknown = std::uint8_t(WinVerdict::Unknown);
        const auto correct = std::uint8_t(EvalStatus::Correct);
        const std::vector<ChartPoint> points = {
            {1, 9.9f, 0, correct, notAWin}, // noisy 9.9× on problem 0
            {2, 1.3f, 0, correct, win},     {3, 1.1f, 0, correct, win},
            {4, 2.0f, 1, correct, unknown}, // problem 1: no interval
            {5, 1.8f, 1, correct, notAWin}, {6, 1.5f, 2, correct, win},
        };
        const ChartSeries s =
            ChartData::build(points, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        QCOMPARE(s.bestNames, (QVector<QString>{QStringLiteral("c"), QStringLiteral("a")}));
        QCOMPARE(s.bestSpeedup, (QVector<double>{1.5, double(1.3f)}));
        QCOMPARE(s.problemsWithCorrect, 2);
        QCOMPARE(s.problemsWithoutWin, 1);
        QCOMPARE(s.correct, 6); // the other charts still show every result
        QCOMPARE(s.withSpeedup, 6);

        // The chart says how many solved problems have no bar, so its problems add up.
        BestSpeedupChart chart;
        chart.setSeries(s);
        QCOMPARE(chart.shownTitle(),
                 QStringLiteral("Best speedup per problem · 1 more without a significant win"));
        QVERIFY(chart.emptyMessage().isEmpty());
        // Correct results but no win at all: the empty chart says so instead of "no correct result".
        const ChartSeries noWin =
            ChartData::build({{1, 1.02f, 0, correct, notAWin}, {2, 0.4f, 1, correct, notAWin}},
                             {QStringLiteral("a"), QStringLiteral("b")});
        chart.setSeries(noWin);
        QCOMPARE(chart.shownTitle(), QStringLiteral("Best speedup per problem"));
        QVERIFY2(chart.emptyMessage().startsWith(QStringLiteral("No significant win yet: 2 problems")),
                 qPrintable(chart.emptyMessage()));
        chart.setSeries(ChartData::build({}, {}));
        QCOMPARE(chart.emptyMessage(), QStringLiteral("No problem has a correct result with a speedup yet."));
    }

    // An empty chart tells a fresh history from a filter that hides everything; a few seconds of
    // results are centred in the minute the time axis shows at least.
    void emptyChartsSayWhyAndShortSpansAreCentred()
    {
        SpeedupTimeChart time;
        RatesChart rates;
        ChartSeries none = ChartData::build({}, {});
        time.setSeries(none, nullptr, nullptr);
        rates.setSeries(none);
        QVERIFY2(time.emptyMessage().startsWith(QStringLiteral("No evaluations yet")),
                 qPrintable(time.emptyMessage()));
        QCOMPARE(rates.emptyMessage(), time.emptyMessage());
        none.filterActive = true;
        time.setSeries(none, nullptr, nullptr);
        QCOMPARE(time.emptyMessage(), QStringLiteral("No evaluations match the filter."));

        const auto correct = std::uint8_t(EvalStatus::Correct), win = std::uint8_t(WinVerdict::Win);
        const double t0 = 1.8e9;
        time.setSeries(ChartData::build({{t0, 1.2f, 0, correct, win}, {t0 + 20, 1.3f, 0, correct, win}},
                                        {QStringLiteral("a")}),
                       nullptr, nullptr);
        const QCPRange x = time.xAxis->range();
        QVERIFY2(std::abs((x.lower + x.upper) / 2 - (t0 + 10)) < 1e-6,
                 qPrintable(QString::number(x.center() - t0)));
        QVERIFY(x.size() >= 60);
        QVERIFY(time.emptyMessage().isEmpty());
    }

    void pointTooltipIsNotReplacedByHelp()
    {
        PointChart chart;
        chart.resize(400, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        // The pointer rests on the point: Qt sends a ToolTip event a moment later.
        const QPoint onPoint(50, 150);
        QHelpEvent rest(QEvent::ToolTip, onPoint, chart.mapToGlobal(onPoint));
        QApplication::sendEvent(&chart, &rest);
        QTRY_COMPARE(QToolTip::text(), QStringLiteral("level1/19_ReLU · 1.42×"));
        QToolTip::hideText();
        // Away from the data the help is shown.
        const QPoint away(350, 150);
        QHelpEvent restAway(QEvent::ToolTip, away, chart.mapToGlobal(away));
        QApplication::sendEvent(&chart, &restAway);
        QTRY_COMPARE(QToolTip::text(), kw::ui::ChartWidget::helpText());
        QToolTip::hideText();
    }

    void followsTheFilterAndCoalesces()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.sqlite"));
        {
            HistoryStore store(path.toStdString());
            DemoData::fill(store, 500);
        }
        AppContext::Options o;
        o.settingsFile = dir.filePath(QStringLiteral("s.ini"));
        o.historyPath = path;
        AppContext ctx(o);
        QTRY_VERIFY(ctx.storeReady());
        QTRY_COMPARE(ctx.history()->rowCount(), 502);

        ChartsPanel panel(ctx);
        panel.resize(1200, 800);
        panel.show();
        QTRY_VERIFY(panel.refreshCount() >= 1 && !panel.busy());
        QCOMPARE(panel.series().total, 502);

        HistoryFilterSpec spec;
        spec.statusMask = 1u << int(EvalStatus::Correct);
        ctx.filtered()->setFilter(spec);
        QTRY_COMPARE(panel.series().total, ctx.filtered()->rowCount());
        QCOMPARE(panel.series().correct, panel.series().total);

        // A burst of changes inside one window gives one refresh, not one per change.
        const int before = panel.refreshCount();
        for (int i = 0; i < 50; ++i)
            Q_EMIT ctx.filtered()->contentsChanged();
        QTRY_VERIFY(!panel.busy());
        QVERIFY(panel.refreshCount() - before <= 2);

        QVERIFY(panel.saveAll(dir.filePath(QStringLiteral("charts.png"))));
        QVERIFY(panel.saveAll(dir.filePath(QStringLiteral("charts.pdf"))));
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("charts.pdf"))).size() > 1000);
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
