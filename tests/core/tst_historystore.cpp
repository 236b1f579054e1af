#include "HistoryStore.h"

#include "TestPrinters.h"

#include <QTemporaryDir>
#include <QtTest>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace kw;

namespace {
EvalResult makeResult(const std::string& id, EvalStatus st, double created, const std::string& problem,
                      const std::string& source = "cli")
{
    EvalResult r;
    r.id = id;
    r.status = st;
    r.createdAt = created;
    r.finishedAt = created + 2;
    r.timings.total = 2;
    r.request.id = id;
    r.request.problem = problem;
    r.request.source = source;
    r.request.kernelCode = "class ModelNew: # " + id;
    r.request.refCode = "class Model: pass";
    r.device = {"cpu", "cpu", "cpu"};
    if (st == EvalStatus::Correct) {
        r.speedup = 1.5;
        r.runtimeMs = 1.0;
        r.baselineRuntimeMs = 1.5;
    }
    r.errorMessage = st == EvalStatus::CompileError ? "nvcc: error: expected ;" : "";
    return r;
}
} // namespace

class TestHistoryStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripAndDedupe()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("sub/h.sqlite")).toStdString());
        QVERIFY(store.add(makeResult("a", EvalStatus::Correct, 100, "level1/1_Matmul")));
        QVERIFY(!store.add(makeResult("a", EvalStatus::Incorrect, 100, "other")));
        QCOMPARE(store.count(), std::size_t(1));
        auto r = store.find("a");
        QVERIFY(r);
        QCOMPARE(r->status, EvalStatus::Correct); // the first one is kept
        QCOMPARE(r->request.kernelCode, std::string("class ModelNew: # a"));
        QCOMPARE(*r->speedup, 1.5);
        QVERIFY(store.contains("a"));
        QVERIFY(!store.contains("b"));
        QVERIFY(store.findByRowId(store.maxRowId()));
    }

    void observedRowsFollowCorrections()
    {
        // A run's record stored with a live step estimate, then read again with its exact step
        // (TensorBoard) and a fixed verdict: the stored row follows; "added" counts new rows only.
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        EvalResult live = makeResult("run-1", EvalStatus::CompileError, 100, "level2/8", "run");
        live.request.step = 3;
        QCOMPARE(store.addMany({live}), std::size_t(1));
        EvalResult exact = live;
        exact.request.step = 2;
        exact.status = EvalStatus::Timeout;
        QCOMPARE(store.addMany({exact}), std::size_t(0));
        auto r = store.find("run-1");
        QVERIFY(r);
        QCOMPARE(r->request.step, 2);
        QCOMPARE(r->status, EvalStatus::Timeout);
        const auto rows = store.rows({});
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].step, 2);
        // Submitted evaluations are never rewritten.
        QVERIFY(store.add(makeResult("s", EvalStatus::Correct, 100, "p", "gui")));
        EvalResult other = makeResult("s", EvalStatus::Incorrect, 100, "p", "gui");
        QVERIFY(!store.add(other));
        QCOMPARE(store.find("s")->status, EvalStatus::Correct);
    }

    void queries()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        std::vector<EvalResult> batch;
        for (int i = 0; i < 30; ++i)
            batch.push_back(makeResult("r" + std::to_string(i),
                                       i % 3 == 0
                                           ? EvalStatus::Correct
                                           : (i % 3 == 1 ? EvalStatus::CompileError : EvalStatus::Timeout),
                                       1000 + i, i < 10 ? "p1" : "p2", i % 2 ? "batch" : "submit"));
        QCOMPARE(store.addMany(batch), std::size_t(30));
        QCOMPARE(store.addMany(batch), std::size_t(0));

        HistoryQuery q;
        q.statuses = {"correct"};
        QCOMPARE(store.rows(q).size(), std::size_t(10));
        q.statuses = {"correct", "timeout"};
        QCOMPARE(store.rows(q).size(), std::size_t(20));
        q = {};
        q.problem = "p1";
        QCOMPARE(store.rows(q).size(), std::size_t(10));
        q = {};
        q.source = "batch";
        QCOMPARE(store.rows(q).size(), std::size_t(15));
        q = {};
        q.since = 1010;
        q.until = 1020;
        QCOMPARE(store.rows(q).size(), std::size_t(10));
        q = {};
        q.text = "expected ;";
        QCOMPARE(store.rows(q).size(), std::size_t(10));
        q = {};
        q.limit = 5;
        auto rows = store.rows(q);
        QCOMPARE(rows.size(), std::size_t(5));
        QCOMPARE(rows.front().id, std::string("r29")); // newest first
        QVERIFY(rows.front().rowId > rows.back().rowId);
        q = {};
        q.afterRowId = store.maxRowId() - 3;
        q.newestFirst = false;
        rows = store.rows(q);
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rows.front().id, std::string("r27"));
        QCOMPARE(rows.front().problem, std::string("p2"));
        QCOMPARE(rows.front().status, EvalStatus::Correct);
        QCOMPARE(store.results(q).size(), std::size_t(3));
    }

    void secondProcessSeesRows()
    {
        // The GUI reads what kernelwatch-cli writes: WAL mode across processes.
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("h.sqlite")).toStdString();
        HistoryStore reader(path);
        QCOMPARE(reader.maxRowId(), std::int64_t(0));
        pid_t pid = fork();
        if (pid == 0) {
            {
                HistoryStore writer(path);
                for (int i = 0; i < 20; ++i)
                    writer.add(makeResult("w" + std::to_string(i), EvalStatus::Correct, i, "p"));
            }
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        QCOMPARE(reader.count(), std::size_t(20));
    }

    void concurrentWriters()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&store, t] {
                for (int i = 0; i < 50; ++i)
                    store.add(makeResult("t" + std::to_string(t) + "-" + std::to_string(i),
                                         EvalStatus::Correct, i, "p"));
            });
        for (auto& th : threads)
            th.join();
        QCOMPARE(store.count(), std::size_t(200));
    }

    void unusableFileSaysWhatToDo()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("garbage.sqlite"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        try {
            HistoryStore store(path.toStdString());
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(path));
        }
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
