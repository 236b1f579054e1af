// Issue 17 at 1024×700 with the demo history: the Submit card of the H100 swish sample
// (baselines, % of speed of light), the roofline tab of Charts and Evaluations with the
// "vs compile" and "% SOL" columns. KW_SCREENSHOT_DIR keeps what the test looked at
// (resources/screenshots/issue17/).
#include "ui/charts/ChartsPanel.h"
#include "ui/charts/RooflineChart.h"
#include "ui/charts/RooflinePage.h"
#include "ui/charts/ScoresTable.h"
#include "ui/demo/DemoData.h"
#include "ui/demo/DemoPerformance.h"
#include "ui/evaluations/DetailsPane.h"
#include "ui/evaluations/EvaluationsPanel.h"
#include "ui/models/HistoryModel.h"
#include "ui/services/AppContext.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/PanelRegistry.h"
#include "ui/submit/SubmitPanel.h"
#include "ui/widgets/ResultCard.h"

#include "core/model/HistoryStore.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw;
using namespace kw::ui;

class TestPerfScreens : public QObject
{
    Q_OBJECT

    static void keep(QWidget& window, const char* name)
    {
        if (const QString out = qEnvironmentVariable("KW_SCREENSHOT_DIR"); !out.isEmpty())
            QVERIFY(window.grab().save(out + u'/' + QString::fromLatin1(name)));
    }

private Q_SLOTS:
    void demoAt1024x700()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.sqlite"));
        {
            HistoryStore store(path.toStdString());
            DemoData::fill(store, 600);
        }
        AppContext::Options o;
        o.settingsFile = dir.filePath(QStringLiteral("s.ini"));
        o.historyPath = path;
        AppContext ctx(o);
        QTRY_VERIFY(ctx.storeReady());
        QTRY_COMPARE(ctx.history()->rowCount(), 602);
        const PanelRegistry registry = PanelRegistry::builtin();
        MainWindow window(ctx, registry);
        window.setPersistent(false);
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // The card: eager and compile baselines, % of speed of light, all inside the window.
        window.showPanel(QStringLiteral("submit"));
        auto* submit = qobject_cast<SubmitPanel*>(window.panel(QStringLiteral("submit")));
        submit->resultCard()->showResult(DemoPerformance::swishSample(1.7e9));
        QApplication::processEvents();
        auto* sol = submit->resultCard()->findChild<QLabel*>(QStringLiteral("speedOfLight"));
        QVERIFY(sol && sol->isVisible());
        QVERIFY2(sol->text().contains(QStringLiteral("87.8 % of speed of light")), qPrintable(sol->text()));
        QVERIFY(submit->resultCard()->compileText().contains(QStringLiteral("1.38×")));
        // The card's rows all on screen (the options above scroll away).
        for (QWidget* w = submit->resultCard(); w; w = w->parentWidget())
            if (auto* area = qobject_cast<QScrollArea*>(w)) {
                area->verticalScrollBar()->setValue(area->verticalScrollBar()->maximum());
                break;
            }
        QApplication::processEvents();
        QVERIFY(!sol->visibleRegion().isEmpty());
        QCOMPARE(sol->visibleRegion().boundingRect().height(), sol->height());
        keep(window, "card-1024x700.png");

        // The roofline of the filtered (all) results: H100 first, hollow points for the
        // elementwise problems, roofs drawn.
        window.showPanel(QStringLiteral("charts"));
        auto* charts = qobject_cast<ChartsPanel*>(window.panel(QStringLiteral("charts")));
        charts->tabs()->setCurrentIndex(1);
        charts->refreshNow();
        QTRY_VERIFY(!charts->busy());
        const RooflineSeries& s = charts->roofline()->chart()->series();
        QVERIFY(s.plotted > 20);
        int hollow = 0;
        for (const auto& h : s.hollowX)
            hollow += int(h.size());
        QVERIFY(hollow > 0 && hollow < s.plotted);
        QVERIFY(!s.memoryX.isEmpty() && !s.computeLines.empty());
        QVERIFY(charts->roofline()->deviceBox()->currentText().startsWith(QStringLiteral("NVIDIA H100")));
        QVERIFY(charts->roofline()->deviceBox()->count() >= 2);
        QVERIFY(charts->scoresText().contains(QStringLiteral("fast_1")));
        QApplication::processEvents(); // the queued replot
        keep(window, "roofline-1024x700.png");
        QCOMPARE(window.width(), 1024);
        // Against torch.compile: the speedup charts say so; only results with a compile time count.
        charts->baselineBox()->setCurrentIndex(1);
        charts->refreshNow();
        QTRY_VERIFY(!charts->busy());
        QVERIFY(charts->series().withSpeedup > 0 &&
                charts->series().withSpeedup < charts->series().total / 2);
        charts->baselineBox()->setCurrentIndex(0);
        charts->refreshNow();
        QTRY_VERIFY(!charts->busy());
        charts->tabs()->setCurrentIndex(2);
        QVERIFY(charts->scoresTable()->rowCount() >= 2);
        QApplication::processEvents();
        keep(window, "scores-1024x700.png");

        // Evaluations: the new columns are on screen; the newest correct result (the swish sample)
        // is open in the details pane.
        window.showPanel(QStringLiteral("evaluations"));
        QVERIFY2(window.minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(window.minimumSizeHint().width())));
        window.resize(1024, 700);
        auto* evals = qobject_cast<EvaluationsPanel*>(window.panel(QStringLiteral("evaluations")));
        evals->prepareScreenshot();
        QTRY_VERIFY(!evals->details()->loading() && evals->details()->current());
        QCOMPARE(evals->details()->current()->id, std::string("demo-sample-swish-h100"));
        QApplication::processEvents();
        keep(window, "evaluations-1024x700.png");
        // With 600 results' counts and choices in the filter bar the window still fits.
        QCOMPARE(window.width(), 1024);
        QHeaderView* header = evals->table()->horizontalHeader();
        for (int c : {int(HistoryModel::CompileSpeedup), int(HistoryModel::SolPercent)}) {
            const int x = header->sectionViewportPosition(c);
            QVERIFY2(x >= 0 && x + header->sectionSize(c) <= evals->table()->viewport()->width(),
                     qPrintable(QStringLiteral("column %1 at %2").arg(c).arg(x)));
        }
    }
};

QTEST_MAIN(TestPerfScreens)
#include "tst_perfscreens.moc"
