#include "tests/ui/UiTestUtils.h"

#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QtTest>

using namespace kw;
using namespace kw::ui;
using kw::ui::test::row;

class TestHistoryFilter : public QObject
{
    Q_OBJECT
    HistoryModel m_model;
    HistoryFilterModel m_filter;
    double m_now = 0;

    int count(const HistoryFilterSpec& spec)
    {
        m_filter.setFilter(spec);
        return m_filter.rowCount();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_now = double(QDateTime::currentSecsSinceEpoch());
        m_filter.setSourceModel(&m_model);
        std::vector<HistoryRow> rows = {
            row(1, "level1/19_ReLU", EvalStatus::Correct, m_now - 10, "submit", 1.5),
            row(2, "level1/19_ReLU", EvalStatus::CompileError, m_now - 7200, "run"),
            row(3, "level2/76_Gemm_Add_ReLU", EvalStatus::Incorrect, m_now - 3 * 86400, "batch"),
            row(4, "level3/1_MLP", EvalStatus::Rejected, m_now - 40 * 86400, "modal", 40.0),
            row(5, "level1/23_Softmax", EvalStatus::Timeout, m_now - 30, "cli"),
        };
        rows[1].run = "grpo-a";
        rows[3].gpu = "A100-80GB";
        rows[4].backend = "triton";
        m_model.appendNow(rows);
    }

    void underModelTester()
    {
        QAbstractItemModelTester tester(&m_filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        HistoryFilterSpec s;
        s.text = QStringLiteral("relu");
        m_filter.setFilter(s);
        m_filter.sort(HistoryModel::Problem, Qt::AscendingOrder);
        m_filter.sort(HistoryModel::Time, Qt::DescendingOrder);
        m_filter.setFilter({});
    }

    void byText()
    {
        HistoryFilterSpec s;
        s.text = QStringLiteral("relu");
        QCOMPARE(count(s), 3); // two ReLU and Gemm_Add_ReLU
        s.text = QStringLiteral("RELU level1");
        QCOMPARE(count(s), 2); // every word must match
        s.text = QStringLiteral("a100");
        QCOMPARE(count(s), 1); // GPU
        s.text = QStringLiteral("triton");
        QCOMPARE(count(s), 1); // backend
        s.text = QStringLiteral("grpo");
        QCOMPARE(count(s), 1); // run
        s.text = QStringLiteral("timeout");
        QCOMPARE(count(s), 1); // status words match too
        s.text = QStringLiteral("nothing-like-this");
        QCOMPARE(count(s), 0);
    }

    void byStatus()
    {
        HistoryFilterSpec s;
        s.statusMask = 0;
        s.setStatus(EvalStatus::Correct, true);
        QCOMPARE(count(s), 1);
        s.setStatus(EvalStatus::Rejected, true);
        QCOMPARE(count(s), 2);
        QVERIFY(s.describe().contains(QStringLiteral("rejected")));
    }

    void byProblemAndSource()
    {
        HistoryFilterSpec s;
        s.problem = QStringLiteral("level1/19_ReLU");
        QCOMPARE(count(s), 2);
        s.source = QStringLiteral("run");
        QCOMPARE(count(s), 1);
        s.problem = QStringLiteral("level9/unknown");
        QCOMPARE(count(s), 0);
        // A problem that appears later is picked up by the live filter.
        m_model.appendNow({row(6, "level9/unknown", EvalStatus::Correct, m_now, "run")});
        QCOMPARE(m_filter.rowCount(), 1);
    }

    void byTimeRange()
    {
        HistoryFilterSpec s;
        s.range = HistoryFilterSpec::TimeRange::LastHour;
        QCOMPARE(count(s), 3); // rows 1, 5, 6
        s.range = HistoryFilterSpec::TimeRange::Last24Hours;
        QCOMPARE(count(s), 4);
        s.range = HistoryFilterSpec::TimeRange::Last7Days;
        QCOMPARE(count(s), 5);
        s.range = HistoryFilterSpec::TimeRange::Custom;
        s.customFrom = m_now - 4 * 86400;
        s.customTo = m_now - 3600;
        QCOMPARE(count(s), 2); // rows 2 and 3
    }

    void sortingAndLookup()
    {
        m_filter.setFilter({});
        m_filter.sort(HistoryModel::Speedup, Qt::DescendingOrder);
        QCOMPARE(m_filter.index(0, 0).data(HistoryModel::RowIdRole).toLongLong(), 4); // 40×
        QCOMPARE(m_filter.index(1, 0).data(HistoryModel::RowIdRole).toLongLong(), 1); // 1.5×
        m_filter.sort(HistoryModel::Problem, Qt::AscendingOrder);
        QCOMPARE(m_filter.index(0, HistoryModel::Problem).data().toString(),
                 QStringLiteral("level1/19_ReLU"));
        const int p = m_filter.proxyRowForRowId(5);
        QVERIFY(p >= 0);
        QCOMPARE(m_filter.index(p, 0).data(HistoryModel::RowIdRole).toLongLong(), 5);
        const QModelIndex src = m_filter.mapToSource(m_filter.index(p, 3));
        QCOMPARE(m_filter.mapFromSource(src), m_filter.index(p, 3));
        m_filter.sort(HistoryModel::Time, Qt::DescendingOrder);
    }

    void millionRowsFilterFast()
    {
        HistoryModel big;
        HistoryFilterModel f;
        f.setSourceModel(&big);
        std::mt19937 rng(1);
        for (int chunk = 0; chunk < 10; ++chunk) {
            std::vector<HistoryRow> rows;
            rows.reserve(100000);
            for (int i = 0; i < 100000; ++i) {
                const int n = chunk * 100000 + i + 1;
                rows.push_back(row(n, "level1/" + std::to_string(n % 100) + "_P",
                                   n % 3 ? EvalStatus::Correct : EvalStatus::CompileError, 1e9 + n,
                                   n % 2 ? "run" : "batch", 1.0 + n % 5));
            }
            big.appendNow(rows);
        }
        HistoryFilterSpec s;
        s.text = QStringLiteral("level1/4");
        s.statusMask = 1u << int(EvalStatus::Correct);
        f.setFilter(s);
        QVERIFY(f.rowCount() > 0);
        qInfo("filter over 1,000,000 rows: %.1f ms (%d shown)", f.lastFilterMs(), f.rowCount());
#ifdef NDEBUG
        QVERIFY(f.lastFilterMs() < 100);
#endif
    }
};

QTEST_MAIN(TestHistoryFilter)
#include "tst_historyfilter.moc"
