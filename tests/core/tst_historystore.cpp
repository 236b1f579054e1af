#include "core/model/HistoryStore.h"

#include "tests/TestPrinters.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <sqlite3.h>
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
// The first schema, verbatim (before issue 17's columns; PRAGMA user_version 0).
constexpr const char* kSchemaV0 = R"SQL(
CREATE TABLE results (
  rowid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL,
  finished_at REAL,
  duration_s REAL,
  source TEXT, run TEXT, step INTEGER, turn INTEGER, problem TEXT,
  backend TEXT, target TEXT, gpu TEXT,
  status TEXT NOT NULL,
  speedup REAL, runtime_ms REAL, baseline_ms REAL, cost_usd REAL, reward REAL,
  cheated INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  result_json TEXT NOT NULL
);
)SQL";

int userVersion(const std::string& path)
{
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
    const int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

// A correct result with both baselines and a speed-of-light estimate, as the evaluator writes it.
EvalResult measured(const std::string& id, double ciLow, double ciHigh, const std::string& verdict)
{
    EvalResult r = makeResult(id, EvalStatus::Correct, 300, "level1/19_ReLU");
    r.speedupCi = SpeedupInterval{ciLow, ciHigh};
    r.timingQuality = TimingQuality{};
    r.timingQuality->verdict = verdict;
    BaselineTiming compile;
    compile.name = "compile";
    compile.mode = "default";
    compile.speedup = 1.2;
    compile.speedupCi = SpeedupInterval{1.1, 1.3};
    r.baselines = {compile};
    SpeedOfLight sol;
    sol.bound = "memory";
    sol.timeMs = 0.8;
    sol.percent = 80;
    sol.arithmeticIntensity = 0.25;
    sol.achievedFlopsPerS = 2e9;
    r.sol = sol;
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

    // A store written by kernelwatch before issue 17 (tests/fixtures/store/README.md) opens, is
    // migrated once and keeps every row.
    void migratesRecordedOldStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.sqlite"));
        QVERIFY(QFile::copy(
            qEnvironmentVariable("KW_TEST_FIXTURES") + QStringLiteral("/store/history-v0.sqlite"), path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        QCOMPARE(userVersion(path.toStdString()), 0);
        {
            HistoryStore store(path.toStdString());
            QCOMPARE(store.count(), std::size_t(24));
            const auto rows = store.rows({});
            QCOMPARE(rows.size(), std::size_t(24));
            std::size_t withSpeedup = 0;
            for (const auto& r : rows) {
                withSpeedup += r.speedup ? 1 : 0;
                QVERIFY(!r.speedupCiLow && !r.compileSpeedup && !r.solPercent && !r.fasterThanLight);
                // Without an interval a correct row is never a win.
                QVERIFY(r.win != WinVerdict::Win);
            }
            QCOMPARE(withSpeedup, std::size_t(2));
            QVERIFY(store.add(measured("new", 1.1, 1.3, "reliable")));
        }
        QCOMPARE(userVersion(path.toStdString()), 1);
        HistoryStore again(path.toStdString());
        QCOMPARE(again.count(), std::size_t(25));
        QCOMPARE(*again.rows({}).front().compileSpeedup, 1.2);
    }

    // Rows stored before the columns get them from their result_json when the store is opened.
    void backfillsFromResultJson()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("old.sqlite")).toStdString();
        {
            sqlite3* db = nullptr;
            QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db, kSchemaV0, nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_stmt* ins = nullptr;
            sqlite3_prepare_v2(db,
                               "INSERT INTO results (id, created_at, source, problem, status, speedup, "
                               "result_json) VALUES (?, ?, 'cli', 'level1/19_ReLU', 'correct', ?, ?)",
                               -1, &ins, nullptr);
            auto insert = [&](const EvalResult& r, bool metadataOnly) {
                auto j = toJson(r);
                if (metadataOnly) { // what an older core keeps: the evaluator's copy in metadata
                    j["metadata"]["baselines"] = j["baselines"];
                    j["metadata"]["sol"] = j["sol"];
                    j.erase("baselines");
                    j.erase("sol");
                }
                const std::string text = j.dump();
                sqlite3_reset(ins);
                sqlite3_bind_text(ins, 1, r.id.c_str(), -1, SQLITE_TRANSIENT);
                sqlite3_bind_double(ins, 2, r.createdAt);
                sqlite3_bind_double(ins, 3, *r.speedup);
                sqlite3_bind_text(ins, 4, text.c_str(), -1, SQLITE_TRANSIENT);
                QCOMPARE(sqlite3_step(ins), SQLITE_DONE);
            };
            insert(measured("win", 1.1, 1.3, "reliable"), true);
            insert(measured("noisy", 1.1, 1.3, "noisy"), false);
            EvalResult ftl = measured("ftl", 8, 11, "reliable");
            ftl.flags = {std::string(kFasterThanLightFlag)};
            insert(ftl, false);
            insert(measured("straddles", 0.9, 1.3, "reliable"), false);
            sqlite3_finalize(ins);
            sqlite3_close(db);
        }
        HistoryStore store(path);
        QCOMPARE(store.count(), std::size_t(4));
        std::map<std::string, HistoryRow> byId;
        for (auto& r : store.rows({}))
            byId[r.id] = r;
        const HistoryRow& win = byId["win"];
        QCOMPARE(*win.speedupCiLow, 1.1);
        QCOMPARE(*win.speedupCiHigh, 1.3);
        QCOMPARE(win.timingVerdict, std::string("reliable"));
        QCOMPARE(*win.compileSpeedup, 1.2);
        QCOMPARE(*win.compileCiLow, 1.1);
        QCOMPARE(*win.compileCiHigh, 1.3);
        QCOMPARE(*win.solPercent, 80.0);
        QCOMPARE(win.solBound, std::string("memory"));
        QCOMPARE(*win.arithmeticIntensity, 0.25);
        QCOMPARE(*win.achievedFlopsPerS, 2e9);
        QCOMPARE(*win.solTimeMs, 0.8);
        QCOMPARE(win.win, WinVerdict::Win);
        QCOMPARE(byId["noisy"].timingVerdict, std::string("noisy"));
        QCOMPARE(byId["noisy"].win, WinVerdict::NotAWin);
        QVERIFY(byId["ftl"].fasterThanLight);
        QCOMPARE(byId["ftl"].win, WinVerdict::NotAWin);
        QCOMPARE(byId["straddles"].win, WinVerdict::NotAWin);
    }

    void addFillsTheColumns()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        EvalResult r = measured("a", 1.5, 1.9, "reliable");
        r.sol->unavailable = "CPU device"; // an estimate that is not there leaves the columns empty
        QVERIFY(store.add(r));
        QVERIFY(store.add(makeResult("b", EvalStatus::Correct, 301, "p"))); // no interval
        const auto rows = store.rows({});
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[1].id, std::string("a"));
        QCOMPARE(*rows[1].speedupCiLow, 1.5);
        QCOMPARE(*rows[1].compileSpeedup, 1.2);
        QVERIFY(!rows[1].solPercent && rows[1].solBound.empty());
        QCOMPARE(rows[1].win, WinVerdict::Win);
        QCOMPARE(rows[0].win, WinVerdict::Unknown);
        QVERIFY(!rows[0].compileSpeedup);
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
