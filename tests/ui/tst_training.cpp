#include "core/model/HistoryStore.h"
#include "core/watch/TraceRecord.h"
#include "ui/services/AppContext.h"
#include "ui/training/StepSeries.h"
#include "ui/training/TraceTableModel.h"
#include "ui/training/TrainingBridge.h"
#include "ui/training/TrainingDemo.h"
#include "ui/training/TrainingPanel.h"
#include "ui/widgets/EmptyViewHint.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>
#include <map>
#include <utility>

using namespace kw;
using namespace kw::ui;

namespace {
TraceRow row(int step, double reward, bool compiled, bool correct, bool cheated = false)
{
    TraceRow r;
    r.time = 1764000000 + step;
    r.reward = reward;
    r.speedup = correct ? 1.5 : NAN;
    r.problem = QStringLiteral("level1/19");
    r.backend = QStringLiteral("triton");
    r.step = step;
    r.turn = 0;
    r.level = 1;
    r.status = correct ? EvalStatus::Correct : compiled ? EvalStatus::Incorrect : EvalStatus::CompileError;
    r.valid = true;
    r.compiled = compiled;
    r.correct = correct;
    r.cheated = cheated;
    return r;
}

AppContext::Options contextOptions(const QTemporaryDir& dir)
{
    AppContext::Options o;
    o.settingsFile = dir.filePath(QStringLiteral("s.ini"));
    o.historyPath = dir.filePath(QStringLiteral("h.sqlite"));
    o.startServices = false;
    return o;
}
} // namespace

class TestTraining : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelUnderTester()
    {
        TraceTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendRows({row(0, 0.3, true, false), row(0, 1.4, true, true), row(0, 0.1, false, false)});
        QCOMPARE(inserted.size(), 1); // one insert per batch
        model.appendRows({});
        QCOMPARE(inserted.size(), 1);
        model.appendRows({row(1, 1.5, true, true, true)});
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(TraceTableModel::ColumnCount));
        QCOMPARE(model.index(1, TraceTableModel::Problem).data().toString(), QStringLiteral("level1/19"));
        QCOMPARE(model.index(0, TraceTableModel::Speedup).data().toString(), QStringLiteral("—"));
        model.setSteps(0,
                       {{5, StepSource::Tensorboard}, {5, StepSource::Estimated}, {6, StepSource::Metrics}});
        // Exact steps are plain; estimated ones say so, and the tooltip says how far to trust them.
        QCOMPARE(model.index(0, TraceTableModel::Step).data().toString(), QStringLiteral("5"));
        QCOMPARE(model.index(1, TraceTableModel::Step).data().toString(), QStringLiteral("≈5"));
        QCOMPARE(model.index(2, TraceTableModel::Step).data().toString(), QStringLiteral("≈6"));
        QVERIFY(model.index(1, TraceTableModel::Step)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("one step off")));
        QVERIFY(model.index(0, TraceTableModel::Step)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .startsWith(QStringLiteral("Exact")));
        for (int c = 0; c < model.columnCount(); ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void stepSeries()
    {
        std::vector<TraceRow> rows{row(0, 0.0, false, false), row(0, 1.0, true, true),
                                   row(1, 2.0, true, true, true)};
        const StepSeries s = StepSeries::build(rows, {});
        QCOMPARE(s.step.size(), 2);
        QCOMPARE(s.rewardMean[0], 0.5);
        QCOMPARE(s.rewardStd[0], 0.5);
        QCOMPARE(s.compileRate[0], 0.5);
        QCOMPARE(s.correctRate[1], 0.0); // a cheat is not correct
        QCOMPARE(s.cheatRate[1], 1.0);
        QVERIFY(std::isnan(s.speedupMean[1])); // cheats give no speedup
        QCOMPARE(s.speedupMax[0], 1.5);
    }

    void followsAGrowingRun()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run-a"));
        const double now = double(QDateTime::currentSecsSinceEpoch());
        QVERIFY(TrainingDemo::writeRun(run, 2, 5, 1, now - 100));
        AppContext ctx(contextOptions(dir));
        TrainingPanel panel(ctx);
        panel.setPollMs(50);
        panel.follow(run);
        QTRY_VERIFY_WITH_TIMEOUT(panel.currentModel() != nullptr, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(panel.currentModel()->rowCount(), 10, 10000);
        QCOMPARE(panel.runNames(), QStringList{QStringLiteral("run-a")});

        QVERIFY(TrainingDemo::appendLines(run, 2, 7, 2, now));
        QTRY_COMPARE_WITH_TIMEOUT(panel.currentModel()->rowCount(), 17, 10000);
        QVERIFY(TrainingDemo::appendLines(run, 2, 3, 3, now + 30));
        QTRY_COMPARE_WITH_TIMEOUT(panel.currentModel()->rowCount(), 20, 10000);
        QCOMPARE(panel.currentModel()->rows().back().step, 2);
    }

    void followedEvaluationsLandInTheStoreOnce()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run-s"));
        const double now = double(QDateTime::currentSecsSinceEpoch());
        QVERIFY(TrainingDemo::writeRun(run, 2, 4, 1, now - 100));
        AppContext::Options o = contextOptions(dir);
        o.startServices = true; // opens the history store (asynchronously)
        AppContext ctx(o);
        TrainingPanel panel(ctx);
        panel.setPollMs(50);
        panel.follow(run); // maybe before the store is open: followed again once it is
        QTRY_VERIFY_WITH_TIMEOUT(ctx.store() != nullptr, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(ctx.store()->count(), std::size_t(8), 10000);
        QVERIFY(TrainingDemo::appendLines(run, 2, 3, 2, now));
        QTRY_COMPARE_WITH_TIMEOUT(ctx.store()->count(), std::size_t(11), 10000);
        HistoryQuery q;
        q.source = "run";
        QCOMPARE(ctx.store()->rows(q).size(), std::size_t(11));
        panel.follow(run); // read again from the start: nothing stored twice
        QTRY_COMPARE_WITH_TIMEOUT(panel.currentModel() ? panel.currentModel()->rowCount() : 0, 11, 10000);
        QTest::qWait(300);
        QCOMPARE(ctx.store()->count(), std::size_t(11));
    }

    void runsRootFindsNewRuns()
    {
        QTemporaryDir dir;
        const double now = double(QDateTime::currentSecsSinceEpoch());
        QVERIFY(TrainingDemo::writeRun(dir.filePath(QStringLiteral("a")), 1, 3, 1, now));
        AppContext ctx(contextOptions(dir));
        TrainingPanel panel(ctx);
        panel.setPollMs(50);
        // Before anything is followed, and while a followed root holds no run, the list says so.
        QTemporaryDir empty;
        const auto runsHint = [&panel] {
            for (auto* h : panel.findChildren<EmptyViewHint*>())
                if (qobject_cast<QTreeWidget*>(h->parent()))
                    return h->shownText();
            return QStringLiteral("(no hint)");
        };
        QVERIFY2(runsHint().startsWith(QStringLiteral("No run followed.")), qPrintable(runsHint()));
        panel.follow(empty.path());
        QVERIFY2(runsHint().startsWith(QStringLiteral("No run here yet")), qPrintable(runsHint()));
        panel.follow(dir.path());
        QTRY_COMPARE_WITH_TIMEOUT(panel.runNames().size(), 1, 10000);
        QTRY_VERIFY(runsHint().isEmpty());
        QVERIFY(TrainingDemo::writeRun(dir.filePath(QStringLiteral("b")), 1, 4, 2, now));
        QTRY_COMPARE_WITH_TIMEOUT(panel.runNames().size(), 2, 10000);
    }

    void anEarlierFollowsPartsAreDropped()
    {
        // The watch thread posts what it reads to the UI thread; what the first follow() posted
        // and the UI thread has not taken yet must not reach the second one's table.
        QTemporaryDir dir;
        const double now = double(QDateTime::currentSecsSinceEpoch());
        const QString a = dir.filePath(QStringLiteral("run-a")), b = dir.filePath(QStringLiteral("run-b"));
        QVERIFY(TrainingDemo::writeRun(a, 2, 5, 1, now - 100));
        QVERIFY(TrainingDemo::writeRun(b, 1, 3, 2, now - 100));
        TrainingBridge bridge;
        bridge.follow(a, 10);
        QTest::qSleep(500); // the watch thread reads run-a; its parts wait in the event queue
        bridge.follow(b, 10);
        std::map<QString, std::pair<std::size_t, bool>> got; // rows, indexed
        QObject::connect(&bridge, &TrainingBridge::updatesReady, &bridge, [&] {
            for (const auto& [name, u] : bridge.take()) {
                got[name].first += u.rows.size();
                got[name].second = got[name].second || u.indexed;
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(got[QStringLiteral("run-b")].second, 10000);
        QTest::qWait(200);
        QCOMPARE(got.count(QStringLiteral("run-a")), std::size_t(0));
        QCOMPARE(got[QStringLiteral("run-b")].first, std::size_t(3));
    }

    void stallAlertFires()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run-s"));
        QVERIFY(TrainingDemo::writeRun(run, 1, 4, 1, double(QDateTime::currentSecsSinceEpoch())));
        AppContext ctx(contextOptions(dir));
        TrainingPanel panel(ctx);
        panel.setPollMs(50);
        panel.setStallSeconds(1);
        panel.follow(run);
        QTRY_COMPARE_WITH_TIMEOUT(panel.currentModel() ? panel.currentModel()->rowCount() : 0, 4, 10000);
        QVERIFY(!panel.alertVisible());
        QTRY_VERIFY_WITH_TIMEOUT(panel.alertVisible(), 5000);
        QVERIFY(panel.alertText().contains(QStringLiteral("no new trace line")));
        QVERIFY(panel.alertText().contains(QStringLiteral("run-s")));

        // A new line clears it.
        panel.setStallSeconds(30);
        QVERIFY(TrainingDemo::appendLines(run, 1, 1, 5, double(QDateTime::currentSecsSinceEpoch())));
        QTRY_COMPARE_WITH_TIMEOUT(panel.currentModel()->rowCount(), 5, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.alertVisible(), 5000);
    }
};

QTEST_MAIN(TestTraining)
#include "tst_training.moc"
