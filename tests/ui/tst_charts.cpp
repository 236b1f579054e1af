#include "HistoryStore.h"
#include "app/AppContext.h"
#include "app/DemoData.h"
#include "charts/ChartWidget.h"
#include "charts/ChartsPanel.h"
#include "models/HistoryFilterModel.h"
#include "models/HistoryModel.h"

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
