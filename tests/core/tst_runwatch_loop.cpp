// StoreWriter, RunsRootWatcher and WatchLoop on kernel_rl's corpus (tests/fixtures/kernel_rl,
// KernelRlRuns.h): only stored results are reported, runs appearing in a root, the loop thread
// following a growing run.
#include "core/model/HistoryStore.h"
#include "core/watch/RunsRootWatcher.h"
#include "core/watch/StoreWriter.h"
#include "core/watch/WatchLoop.h"
#include "tests/TestPrinters.h"
#include "tests/core/RunWatchFixtures.h"

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <filesystem>
#include <fstream>

using namespace kw;
using namespace kwtest;
namespace fs = std::filesystem;

class TestRunWatchLoop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!fs::exists(kwcorpus::runDir("single_turn") + "/truth.jsonl"))
            QFAIL("kernel_rl corpus not found (tests/fixtures/kernel_rl/runs)");
    }

    void storeWriterReportsOnlyStoredResults()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "single_turn", "writer", true);
        const auto truth = kwcorpus::truth("single_turn");
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        StoreWriter writer(store);
        std::atomic<int> results{0}, notStored{0};
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.writer = &writer;
        RunDirWatcher::Callbacks cb;
        cb.onResults = [&](const ResultBatch& b) { // on the writer's thread, after the commit
            for (const auto& r : b.results)
                if (!store.contains(r.id))
                    ++notStored;
            results += int(b.results.size());
        };
        {
            RunDirWatcher w(o, cb);
            pollUntilCaughtUp(w, 16 * 1024);
            const auto src = lines(w.tracesPath());
            append(w.tracesPath(), withTimestamp(src[3], nowUnixSeconds()) + "\n");
            for (int i = 0; i < 5; ++i)
                w.poll(1 << 20);
        } // the destructor waits for the writer
        QCOMPARE(results.load(), int(truth.size()) + 1);
        QCOMPARE(notStored.load(), 0);
        QCOMPARE(store.count(), truth.size() + 1);
        QCOMPARE(writer.pending(), std::size_t(0));
    }

    void runsRootDiscovery()
    {
        QTemporaryDir tmp;
        const std::string root = tmp.filePath(QStringLiteral("runs")).toStdString();
        fs::create_directories(root + "/not_a_run/tensorboard");
        std::vector<std::string> added, removed;
        std::atomic<int> rows{0};
        RunsRootWatcher::Options o;
        o.root = root;
        o.rescanIntervalS = 0;
        o.buildResults = false;
        RunsRootWatcher::Callbacks cb;
        cb.onRunAdded = [&](const std::shared_ptr<RunDirWatcher>& w) { added.push_back(w->name()); };
        cb.onRunRemoved = [&](const std::string& name, const std::string&) { removed.push_back(name); };
        cb.run.onTraces = [&](const TraceBatch& b) { rows += int(b.records.size()); };
        RunsRootWatcher rw(o, cb);
        rw.poll(1 << 20);
        QVERIFY(added.empty());

        // A whole run (its tensorboard/ folders are no runs).
        const int alphaRows = int(kwcorpus::truth("single_turn").size());
        copyRun(tmp, "single_turn", "runs/alpha", true);
        for (int i = 0; i < 20; ++i)
            rw.poll(1 << 20);
        QCOMPARE(added, std::vector<std::string>{"alpha"});
        QCOMPARE(rows.load(), alphaRows);

        // Two levels down: a multi-turn run with bad lines.
        const kwcorpus::BadRun beta = kwcorpus::makeBadRun("multi_turn", root + "/group/beta");
        for (int i = 0; i < 20; ++i)
            rw.poll(1 << 20);
        QCOMPARE(added.size(), std::size_t(2));
        QCOMPARE(added[1], std::string("beta"));
        QCOMPARE(rw.runs().size(), std::size_t(2));
        QCOMPARE(rows.load(), alphaRows + int(beta.lines));

        fs::remove_all(root + "/alpha");
        rw.poll(1 << 20);
        QCOMPARE(removed, std::vector<std::string>{"alpha"});
        QCOMPARE(rw.runs().size(), std::size_t(1));
    }

    void loopThreadFollowsGrowingRun()
    {
        // A re-run with resume_from_batch, written as kernel_rl wrote it, followed by the loop's
        // thread from its first step on; the rest arrives a few records at a time.
        const std::string name = "resume_from_batch";
        const auto truth = kwcorpus::truth(name);
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath(QStringLiteral("looped")).toStdString();
        kwcorpus::Replay replay(name, dir, true);
        replay.applyWhile([](const kwcorpus::Replay::Event& e) { return e.path != "metrics.jsonl"; });
        int written = 0;
        for (const Record& r : truth)
            written += r.step == 0;
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        std::atomic<int> rows{0}, results{0}, caughtUp{0};
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.store = &store;
        RunDirWatcher::Callbacks cb;
        cb.onTraces = [&](const TraceBatch& b) { rows += int(b.records.size()); };
        cb.onResults = [&](const ResultBatch& b) { results += int(b.results.size()); };
        cb.onCaughtUp = [&](const std::string&) { ++caughtUp; };
        auto w = std::make_shared<RunDirWatcher>(o, cb);
        WatchLoop::Options lo;
        lo.intervalMs = 100;
        WatchLoop loop(lo);
        loop.add(w);
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(caughtUp.load(), 1, 10000);
        QCOMPARE(rows.load(), written);
        int rounds = 0;
        while (!replay.done()) {
            int records = 0; // up to 5 records, and what kernel_rl wrote between them
            while (!replay.done() && (records < 5 || replay.peek().record < 0)) {
                records += replay.peek().record >= 0;
                replay.apply();
            }
            written += records;
            ++rounds;
            QTRY_COMPARE_WITH_TIMEOUT(rows.load(), written, 5000);
        }
        QCOMPARE(written, int(truth.size()));
        QVERIFY(rounds >= 4);
        QTRY_COMPARE_WITH_TIMEOUT(results.load(), int(truth.size()), 5000);
        QCOMPARE(store.count(), truth.size());
        loop.stop();
        QVERIFY(loop.rounds() > 0);
        // Offsets and statuses (not steps: the test writes a file, then stamps its recorded mtime, and
        // the loop's thread may read it in between).
        const std::string bad = truthMismatches(w->records(), truth, false);
        QVERIFY2(bad.empty(), bad.c_str());
    }
};

QTEST_GUILESS_MAIN(TestRunWatchLoop)
#include "tst_runwatch_loop.moc"
