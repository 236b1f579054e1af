#include "core/local/ResultAssembly.h"
#include "core/usecase/EvalSession.h"
#include "tests/ui/UiTestUtils.h"
#include <QTemporaryDir>

#include "ui/base/StatusStyle.h"
#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QSignalSpy>
#include <QtTest>

#include <thread>

using namespace kw;
using namespace kw::ui;
using kw::ui::test::row;

class TestHistoryModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchedAppendFromAnotherThread()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        std::thread producer([&model] {
            for (int b = 0; b < 10; ++b) {
                std::vector<HistoryRow> rows;
                for (int i = 0; i < 100; ++i)
                    rows.push_back(
                        row(b * 100 + i + 1, "level1/19_ReLU", EvalStatus::Correct, 1000 + b * 100 + i));
                model.enqueue(std::move(rows));
            }
        });
        producer.join();
        QCOMPARE(model.rowCount(), 0); // nothing before the flush
        QTRY_COMPARE(model.rowCount(), 1000);
        QCOMPARE(inserted.count(), 1); // one beginInsertRows for the whole batch
        QCOMPARE(model.maxRowId(), 1000);
        QCOMPARE(model.rowForRowId(500), 499);
        QCOMPARE(model.rowForRowId(5000), -1);
        QCOMPARE(model.pool(HistoryModel::FProblem).size(), 2u); // "" and the one problem
    }

    void maxBatchBoundsOneFlush()
    {
        HistoryModel model;
        model.setMaxBatch(300);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        std::vector<HistoryRow> rows;
        for (int i = 1; i <= 1000; ++i)
            rows.push_back(row(i, "p", EvalStatus::Incorrect, i));
        model.enqueue(std::move(rows));
        QTRY_COMPARE(model.rowCount(), 1000);
        QCOMPARE(inserted.count(), 4); // 300 + 300 + 300 + 100, one event-loop turn each
    }

    void dataRoles()
    {
        HistoryModel model;
        model.appendNow({row(7, "level2/76_Gemm_Add_ReLU", EvalStatus::Correct, 1.7e9, "batch", 2.5)});
        const QModelIndex speed = model.index(0, HistoryModel::Speedup);
        QCOMPARE(speed.data().toString(), QStringLiteral("2.50×"));
        QCOMPARE(model.index(0, HistoryModel::Problem).data().toString(),
                 QStringLiteral("level2/76_Gemm_Add_ReLU"));
        QCOMPARE(model.index(0, HistoryModel::Source).data().toString(), QStringLiteral("batch"));
        QCOMPARE(model.index(0, HistoryModel::Status).data().toString(), QStringLiteral("correct"));
        QCOMPARE(speed.data(HistoryModel::RowIdRole).toLongLong(), 7);
        QCOMPARE(model.index(0, HistoryModel::Runtime).data().toString(), QStringLiteral("—"));
        QVERIFY(!model.index(0, HistoryModel::Status).data(Qt::DecorationRole).isNull());
        QCOMPARE(model.headerData(HistoryModel::Gpu, Qt::Horizontal).toString(), QStringLiteral("GPU"));
    }

    // Issue 13: only a significant win is coloured green; a noisy 9.9× and a speedup without an
    // interval are not. A merge that changes only the verdict updates the row.
    void speedupColourOnlyForSignificantWins()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        HistoryRow win = row(1, "p", EvalStatus::Correct, 1, "cli", 1.42);
        win.win = WinVerdict::Win;
        HistoryRow noisy = row(2, "p", EvalStatus::Correct, 2, "cli", 9.9);
        noisy.win = WinVerdict::NotAWin;
        HistoryRow old = row(3, "p", EvalStatus::Correct, 3, "cli", 2.0); // no interval
        old.win = WinVerdict::Unknown;
        model.appendNow({win, noisy, old});
        const auto colour = [&](int r) {
            return model.index(r, HistoryModel::Speedup).data(Qt::ForegroundRole);
        };
        QCOMPARE(colour(0).value<QBrush>().color(), StatusStyle::color(EvalStatus::Correct));
        QVERIFY(colour(1).isNull());
        QVERIFY(colour(2).isNull());
        QCOMPARE(model.index(1, HistoryModel::Speedup).data(HistoryModel::WinRole).toInt(),
                 int(WinVerdict::NotAWin));
        QVERIFY(model.index(1, HistoryModel::Speedup)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("Not a significant speedup")));
        QVERIFY(model.index(2, HistoryModel::Speedup)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("unknown")));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        noisy.win = WinVerdict::Win;
        model.merge({win, noisy, old});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(colour(1).value<QBrush>().color(), StatusStyle::color(EvalStatus::Correct));
    }

    void compactRowsStaySmall()
    {
        HistoryModel model;
        std::vector<HistoryRow> rows;
        for (int i = 1; i <= 20000; ++i)
            rows.push_back(row(i, "level1/" + std::to_string(i % 50), EvalStatus::Correct, i, "run", 1.0));
        model.appendNow(rows);
        const double perRow = double(model.memoryBytes()) / model.rowCount();
        QVERIFY2(perRow < 120, qPrintable(QString::number(perRow)));
    }

    void mergeRowByRow()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendNow({row(1, "a", EvalStatus::Correct, 1), row(2, "b", EvalStatus::Correct, 2),
                         row(3, "c", EvalStatus::Correct, 3), row(5, "e", EvalStatus::Correct, 5)});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const QPersistentModelIndex keep = model.index(2, 0); // rowId 3 survives
        // 2 is gone, 3 changed status, 4 and 6 are new.
        model.merge({row(1, "a", EvalStatus::Correct, 1), row(3, "c", EvalStatus::Incorrect, 3),
                     row(4, "d", EvalStatus::Correct, 4), row(5, "e", EvalStatus::Correct, 5),
                     row(6, "f", EvalStatus::Correct, 6)});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.rowCount(), 5);
        QVERIFY(keep.isValid());
        QCOMPARE(keep.row(), 1);
        QCOMPARE(keep.data(HistoryModel::RowIdRole).toLongLong(), 3);
        QCOMPARE(model.index(1, HistoryModel::Status).data().toString(), QStringLiteral("incorrect"));
        QCOMPARE(model.rowForRowId(6), 4);
    }

    void filterModelUnderTester()
    {
        HistoryModel model;
        HistoryFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<HistoryRow> rows;
        for (int i = 1; i <= 200; ++i)
            rows.push_back(row(i, i % 2 ? "level1/19_ReLU" : "level2/1_Conv",
                               i % 3 ? EvalStatus::Correct : EvalStatus::CompileError, 1000 + i, "run",
                               i % 3 ? std::optional<double>(0.5 + (i % 7)) : std::nullopt));
        model.appendNow(rows);
        QCOMPARE(filter.rowCount(), 200);
        // Newest first by default.
        QCOMPARE(filter.index(0, 0).data(HistoryModel::RowIdRole).toLongLong(), 200);

        HistoryFilterSpec spec;
        spec.problem = QStringLiteral("level1/19_ReLU");
        filter.setFilter(spec);
        QCOMPARE(filter.rowCount(), 100);

        // Appends land at the top (time descending) with one insert per batch.
        QSignalSpy inserted(&filter, &QAbstractItemModel::rowsInserted);
        model.appendNow({row(201, "level1/19_ReLU", EvalStatus::Correct, 2000),
                         row(202, "level2/1_Conv", EvalStatus::Correct, 2001),
                         row(203, "level1/19_ReLU", EvalStatus::Correct, 2002)});
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(filter.rowCount(), 102);
        QCOMPARE(filter.index(0, 0).data(HistoryModel::RowIdRole).toLongLong(), 203);

        // Sort by speedup, then append rows that scatter across the order.
        filter.sort(HistoryModel::Speedup, Qt::AscendingOrder);
        std::vector<HistoryRow> scattered;
        for (int i = 0; i < 40; ++i)
            scattered.push_back(
                row(300 + i, "level1/19_ReLU", EvalStatus::Correct, 3000 + i, "run", 0.1 * (i * 37 % 80)));
        model.appendNow(scattered);
        QCOMPARE(filter.rowCount(), 142);
        double last = -1e9;
        for (int r = 0; r < filter.rowCount(); ++r) {
            const QVariant v = filter.index(r, 0).data(HistoryModel::SpeedupRole);
            const double s = v.isValid() ? v.toDouble() : -1e9;
            QVERIFY(s >= last);
            last = s;
        }
        // Rows vanish from the store (merge): the proxy removes them.
        std::vector<HistoryRow> keep;
        for (int r = 0; r < model.rowCount(); ++r)
            if (r % 5 != 0)
                keep.push_back(
                    row(model.row(r).rowId, model.text(r, HistoryModel::FProblem).toStdString(),
                        static_cast<EvalStatus>(model.row(r).status), model.row(r).createdAt, "run",
                        std::isnan(model.row(r).speedup) ? std::nullopt
                                                         : std::optional<double>(model.row(r).speedup)));
        model.merge(keep);
        for (int r = 0; r < filter.rowCount(); ++r)
            QCOMPARE(filter.index(r, HistoryModel::Problem).data().toString(),
                     QStringLiteral("level1/19_ReLU"));
        model.clear();
        QCOMPARE(filter.rowCount(), 0);
    }

    void cancelledRowsAreNeutral()
    {
        // The local backend's cancelled result (ResultAssembly), stored and read back as a row:
        // "cancelled" with a grey dot, not the infra error's label and colour.
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        EvalRequest q;
        q.id = "cancelled-1";
        ChildOutcome o;
        o.cancelled = true;
        o.lastStage = "timing";
        QVERIFY(store.add(assembleResult(q, o, 1.7e9, 0)));
        EvalRequest q2;
        q2.id = "infra-1";
        QVERIFY(store.add(EvalResult::infraError(q2, "no Python found")));
        // The pre-run size check's refusal (EvalSession::sizeRefusal): never ran, so "not run".
        EvalRequest q3;
        q3.id = "too-large-1";
        SizeCheck check;
        check.problem = "needs 108 GiB";
        check.details = "estimated peak 108.0 GiB";
        check.suggestedBatchSize = 32;
        const EvalResult refused = sizeRefusal(q3, check);
        QCOMPARE(refused.notRunReason(), std::string("too large"));
        QVERIFY(store.add(refused));
        for (const HistoryRow& h : store.rows({}))
            QCOMPARE(h.notRun, std::string(h.id == "too-large-1" ? "too large" : ""));
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendNow(store.rows({}));
        QCOMPARE(model.rowCount(), 3);
        for (int i = 0; i < 3; ++i) {
            const QModelIndex st = model.index(i, HistoryModel::Status);
            const qlonglong rowId = model.index(i, 0).data(HistoryModel::RowIdRole).toLongLong();
            const QColor dot =
                st.data(Qt::DecorationRole).value<QIcon>().pixmap(12, 12).toImage().pixelColor(6, 6);
            if (rowId == 1) {
                QCOMPARE(st.data().toString(), QStringLiteral("cancelled"));
                QVERIFY(st.data(Qt::ToolTipRole).toString().contains(QStringLiteral("not a failure")));
                QCOMPARE(dot, StatusStyle::color(EvalStatus::Unknown));
            } else if (rowId == 3) {
                QCOMPARE(st.data().toString(), QStringLiteral("not run: too large"));
                QVERIFY(st.data(Qt::ToolTipRole).toString().contains(QStringLiteral("never ran")));
                QCOMPARE(dot, StatusStyle::color(EvalStatus::Unknown));
            } else {
                QCOMPARE(st.data().toString(), StatusStyle::label(EvalStatus::InfraError));
                QCOMPARE(dot, StatusStyle::color(EvalStatus::InfraError));
            }
        }
    }
};

QTEST_MAIN(TestHistoryModel)
#include "tst_historymodel.moc"
