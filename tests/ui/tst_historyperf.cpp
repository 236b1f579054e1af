// Issue 17 in the Evaluations table: the "vs compile" and "% SOL" columns (display, sort, the
// fast_p verdicts kept per row), the % SOL range filter in the model and in the filter bar.
#include "tests/ui/UiTestUtils.h"

#include "ui/evaluations/FilterBar.h"
#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QMenu>
#include <QToolButton>
#include <QtTest>

using namespace kw;
using namespace kw::ui;
using kw::ui::test::row;

namespace {
HistoryRow perfRow(std::int64_t id, const std::string& problem, double speedup, std::optional<double> compile,
                   std::optional<double> sol, double ciLow, const std::string& verdict = "reliable")
{
    HistoryRow r = row(id, problem, EvalStatus::Correct, 1.7e9 + double(id), "submit", speedup);
    r.speedupCiLow = ciLow;
    r.speedupCiHigh = speedup * 1.02;
    r.timingVerdict = verdict;
    r.compileSpeedup = compile;
    if (compile) {
        r.compileCiLow = *compile * 0.98;
        r.compileCiHigh = *compile * 1.02;
    }
    r.solPercent = sol;
    if (sol) {
        r.solBound = "memory";
        r.arithmeticIntensity = 0.125;
        r.achievedFlopsPerS = 0.37e12;
        r.solTimeMs = 0.08;
    }
    return r;
}
} // namespace

class TestHistoryPerf : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newColumns()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendNow({perfRow(1, "samples/swish", 2.54, 1.38, 87.8, 2.50),
                         perfRow(2, "level1/19_ReLU", 1.2, std::nullopt, std::nullopt, 1.1)});
        QCOMPARE(model.headerData(HistoryModel::CompileSpeedup, Qt::Horizontal).toString(),
                 QStringLiteral("vs compile"));
        QCOMPARE(model.headerData(HistoryModel::SolPercent, Qt::Horizontal).toString(),
                 QStringLiteral("% SOL"));
        QCOMPARE(model.index(0, HistoryModel::CompileSpeedup).data().toString(), QStringLiteral("1.38×"));
        QCOMPARE(model.index(0, HistoryModel::SolPercent).data().toString(), QStringLiteral("87.8 %"));
        QVERIFY(model.index(0, HistoryModel::SolPercent)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("memory-bound")));
        QCOMPARE(model.index(1, HistoryModel::CompileSpeedup).data().toString(), QStringLiteral("—"));
        QCOMPARE(model.index(1, HistoryModel::SolPercent).data().toString(), QStringLiteral("—"));
        QVERIFY(model.index(1, HistoryModel::SolPercent).data(HistoryModel::SolPercentRole).isNull());
        QCOMPARE(model.index(0, HistoryModel::SolPercent).data(HistoryModel::SortRole).toDouble(), 87.8f);
        // The columns after them still show what they showed.
        QCOMPARE(model.index(0, HistoryModel::Gpu).data().toString(), QStringLiteral("H100"));
        QCOMPARE(model.columnCount(), int(HistoryModel::ColumnCount));

        // The fast_p verdicts of each baseline, by core's rule.
        const CompactRow& swish = model.row(0);
        QCOMPARE(swish.verdict(Baseline::Eager, 0), WinVerdict::Win);   // interval 2.50–2.59 above 1
        QCOMPARE(swish.verdict(Baseline::Eager, 1), WinVerdict::Win);   // and above 2
        QCOMPARE(swish.verdict(Baseline::Compile, 0), WinVerdict::Win); // 1.35–1.41 above 1
        QCOMPARE(swish.verdict(Baseline::Compile, 1), WinVerdict::NotAWin);
        QCOMPARE(model.row(1).verdict(Baseline::Compile, 0), WinVerdict::Unknown); // not measured
        // "vs compile" is green only for a significant win against torch.compile.
        QVERIFY(model.index(0, HistoryModel::CompileSpeedup).data(Qt::ForegroundRole).isValid());

        // Noisy timing and faster than light are never a win.
        HistoryRow noisy = perfRow(3, "a", 3.0, 2.0, 50.0, 2.9, "noisy");
        HistoryRow ftl = perfRow(4, "b", 9.0, 5.0, 140.0, 8.9);
        ftl.status = EvalStatus::Rejected;
        ftl.fasterThanLight = true;
        model.appendNow({noisy, ftl});
        QCOMPARE(model.row(2).verdict(Baseline::Eager, 0), WinVerdict::NotAWin);
        QCOMPARE(model.row(3).verdict(Baseline::Eager, 0), WinVerdict::NotAWin);
        QVERIFY(model.row(3).fasterThanLight);
        QVERIFY(!model.index(2, HistoryModel::CompileSpeedup).data(Qt::ForegroundRole).isValid());

        // A merge that changes only the SOL figure updates the row.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        std::vector<HistoryRow> again = {perfRow(1, "samples/swish", 2.54, 1.38, 60.0, 2.50),
                                         perfRow(2, "level1/19_ReLU", 1.2, std::nullopt, std::nullopt, 1.1),
                                         noisy, ftl};
        model.merge(again);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, HistoryModel::SolPercent).data().toString(), QStringLiteral("60.0 %"));
    }

    void solRangeFilter()
    {
        HistoryModel model;
        HistoryFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendNow({perfRow(1, "a", 2.0, std::nullopt, 87.8, 1.9),
                         perfRow(2, "b", 1.0, std::nullopt, 34.5, 0.9),
                         perfRow(3, "c", 1.0, std::nullopt, 5.0, 0.9),
                         perfRow(4, "d", 1.0, std::nullopt, std::nullopt, 0.9)});
        QCOMPARE(filter.rowCount(), 4);
        HistoryFilterSpec s;
        s.solMin = 50;
        filter.setFilter(s);
        QCOMPARE(filter.rowCount(), 1);
        s.solMin = 10;
        s.solMax = 90;
        filter.setFilter(s);
        QCOMPARE(filter.rowCount(), 2);
        s.clearSolRange();
        s.solMax = 10;
        filter.setFilter(s);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, HistoryModel::Problem).data().toString(), QStringLiteral("c"));
        QVERIFY(!s.isEmpty());
        QVERIFY(s.describe().contains(QStringLiteral("≤ 10 % SOL")));
        // Sorting by the new columns keeps rows without a figure together.
        filter.setFilter({});
        filter.sort(HistoryModel::SolPercent, Qt::DescendingOrder);
        QCOMPARE(filter.index(0, HistoryModel::Problem).data().toString(), QStringLiteral("a"));
        QCOMPARE(filter.index(3, HistoryModel::Problem).data().toString(), QStringLiteral("d"));
        // An open range equals an open range (NaN bounds), so re-applying it changes nothing.
        QSignalSpy reset(&filter, &QAbstractItemModel::modelReset);
        filter.setFilter({});
        QCOMPARE(reset.count(), 0);
    }

    void filterBarSolButton()
    {
        HistoryModel model;
        HistoryFilterModel filter;
        filter.setSourceModel(&model);
        model.appendNow(
            {perfRow(1, "a", 2.0, std::nullopt, 87.8, 1.9), perfRow(2, "b", 1.0, std::nullopt, 34.5, 0.9)});
        FilterBar bar(&filter);
        QToolButton* sol = bar.solButton();
        QCOMPARE(sol->text(), QStringLiteral("% SOL"));
        // The "Above 50 %" preset.
        QAction* above = nullptr;
        for (QAction* a : sol->menu()->actions())
            if (a->text().startsWith(QStringLiteral("Above 50")))
                above = a;
        QVERIFY(above);
        above->trigger();
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(sol->text(), QStringLiteral("≥ 50 % SOL"));
        QCOMPARE(bar.currentSpec().solMin, 50.0);
        // Clear brings every row back; another bar on the same model follows.
        FilterBar other(&filter);
        QCOMPARE(other.solButton()->text(), QStringLiteral("≥ 50 % SOL"));
        bar.clear();
        QCOMPARE(filter.rowCount(), 2);
        QCOMPARE(other.solButton()->text(), QStringLiteral("% SOL"));
    }
};

QTEST_MAIN(TestHistoryPerf)
#include "tst_historyperf.moc"
