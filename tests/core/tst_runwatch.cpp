// RunDirWatcher, RunsRootWatcher and WatchLoop on run directories in kernel_rl's format: indexing,
// step resolution, storing (once), live appends, truncation and replacement while watching, bad
// lines, runs appearing in a root.
#include "HistoryStore.h"
#include "watch/RunDirWatcher.h"
#include "watch/RunsRootWatcher.h"
#include "watch/StoreWriter.h"
#include "watch/TraceDetails.h"
#include "watch/WatchLoop.h"

#include "TestPrinters.h"

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <utime.h>

using namespace kw;
namespace fs = std::filesystem;

namespace {

// make_run.py's timeline: step s spans [start + 160 s, start + 160 s + 160), rollout first 120 s.
constexpr double kStart = 1764000000.0;
constexpr double kStepSeconds = 160.0;

std::string fixture(const std::string& rel)
{
    const char* dir = std::getenv("KW_TEST_FIXTURES");
    return std::string(dir ? dir : "tests/fixtures") + "/" + rel;
}

void setMtime(const std::string& path, double t)
{
    struct utimbuf u;
    u.actime = u.modtime = static_cast<time_t>(t);
    QCOMPARE(::utime(path.c_str(), &u), 0);
}

// Copies a fixture run; `mtime` as a live run leaves it (end of its last step) unless NaN.
std::string copyRun(const QTemporaryDir& tmp, const std::string& name, const std::string& as, double mtime)
{
    const std::string dst = tmp.filePath(QString::fromStdString(as)).toStdString();
    fs::create_directories(dst);
    for (const auto& e : fs::directory_iterator(fixture("runs/" + name)))
        fs::copy_file(e.path(), dst + "/" + e.path().filename().string(),
                      fs::copy_options::overwrite_existing);
    if (std::isfinite(mtime) && fs::exists(dst + "/metrics.jsonl"))
        setMtime(dst + "/metrics.jsonl", mtime);
    return dst;
}

std::vector<std::string> lines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> out;
    std::string l;
    while (std::getline(in, l))
        out.push_back(l);
    return out;
}

// A fixture line with another timestamp (and so another identity).
std::string withTimestamp(std::string line, double ts)
{
    const std::string key = "\"timestamp\": ";
    auto at = line.rfind(key);
    auto end = line.find_first_of(",}", at + key.size());
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", ts);
    return line.replace(at + key.size(), end - at - key.size(), buf);
}

void append(const std::string& path, const std::string& data)
{
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << data;
}

struct Events
{
    std::vector<TraceRecord> rows;
    std::vector<EvalResult> results;
    std::vector<MetricsRecord> metrics;
    std::vector<std::pair<RunFile, TailReset>> resets;
    int indexed = 0, caughtUp = 0, stepsChanged = 0, traceBatches = 0;
    std::vector<std::string> errors;

    RunDirWatcher::Callbacks callbacks()
    {
        RunDirWatcher::Callbacks cb;
        cb.onTraces = [this](const TraceBatch& b) {
            QCOMPARE(b.firstIndex, rows.size());
            rows.insert(rows.end(), b.records.begin(), b.records.end());
            ++traceBatches;
        };
        cb.onResults = [this](const ResultBatch& b) {
            results.insert(results.end(), b.results.begin(), b.results.end());
        };
        cb.onMetrics = [this](const MetricsBatch& b) {
            metrics.insert(metrics.end(), b.records.begin(), b.records.end());
        };
        cb.onReset = [this](const std::string&, RunFile f, TailReset why) {
            resets.emplace_back(f, why);
            if (f == RunFile::Traces)
                rows.clear();
        };
        cb.onStepsChanged = [this](const std::string&, std::size_t, std::size_t) { ++stepsChanged; };
        cb.onIndexed = [this](const std::string&) { ++indexed; };
        cb.onCaughtUp = [this](const std::string&) { ++caughtUp; };
        cb.onError = [this](const std::string&, const std::string& m) { errors.push_back(m); };
        return cb;
    }
};

void pollUntilCaughtUp(RunDirWatcher& w, std::size_t budget = 1 << 20)
{
    for (int i = 0; i < 10000; ++i) {
        PollStatus s = w.poll(budget);
        if (w.caughtUp() && !s.more)
            return;
    }
    QFAIL("never caught up");
}

} // namespace

class TestRunWatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void indexesResolvesStepsAndStoresOnce()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "run1", kStart + 3 * kStepSeconds);
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.store = &store;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w, 64 * 1024); // small budget: several batches
        QVERIFY(ev.errors.empty());
        QCOMPARE(ev.indexed, 1);
        QCOMPARE(ev.caughtUp, 1);
        QCOMPARE(ev.stepsChanged, 1);
        QVERIFY(ev.traceBatches > 1);
        QCOMPARE(w.recordCount(), std::size_t(24));
        QCOMPARE(ev.metrics.size(), std::size_t(3));
        QCOMPARE(w.info().gpuType, std::string("H100"));
        const auto rows = w.records();
        for (std::size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows[i].step, int(i / 8));
            QCOMPARE(rows[i].stepSource, StepSource::Metrics);
        }
        // Every row is in the store, once, with its run, step, turn, problem and reward.
        QCOMPARE(ev.results.size(), std::size_t(24));
        QCOMPARE(store.count(), std::size_t(24));
        HistoryQuery q;
        q.run = "run1";
        q.newestFirst = false;
        const auto stored = store.rows(q);
        QCOMPARE(stored.size(), std::size_t(24));
        for (const auto& r : stored) {
            QCOMPARE(r.source, std::string("run"));
            QVERIFY(r.step >= 0 && r.step <= 2);
            QVERIFY(r.turn >= 0);
            QVERIFY(r.problem.rfind("level", 0) == 0);
            QVERIFY(r.reward.has_value());
            QCOMPARE(r.target, std::string("modal:H100"));
        }
        QCOMPARE(w.stats().resultsNew, std::uint64_t(24));

        // Seen again (a restart): nothing new is stored.
        Events ev2;
        RunDirWatcher again(o, ev2.callbacks());
        pollUntilCaughtUp(again);
        QCOMPARE(again.stats().resultsNew, std::uint64_t(0));
        QCOMPARE(store.count(), std::size_t(24));
        QCOMPARE(ev2.results.front().id, ev.results.front().id);

        // Without onResults, rows the store has are not even re-read.
        RunDirWatcher quiet(o, {});
        pollUntilCaughtUp(quiet);
        QCOMPARE(quiet.stats().resultsBuilt, std::uint64_t(0));

        // Details are loaded lazily from the offsets.
        const TraceRecord& r5 = rows[5];
        TraceDetails d = loadTraceDetails(w.tracesPath(), r5.offset, r5.length, r5.idHash);
        QVERIFY2(d.ok, d.error.c_str());
        QCOMPARE(d.promptMessages.size(), std::size_t(2));
        QVERIFY(d.kernel.find("class ModelNew") != std::string::npos || !r5.formatOk);
    }

    void stepsWithoutTrustworthyMtime()
    {
        // Files copied long after the run (mtime = now): anchored at the last trace instead.
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "copied", nowUnixSeconds());
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.buildResults = false;
        RunDirWatcher w(o, {});
        pollUntilCaughtUp(w);
        const auto rows = w.records();
        QCOMPARE(rows.size(), std::size_t(24));
        for (std::size_t i = 0; i < rows.size(); ++i)
            QCOMPARE(rows[i].step, int(i / 8));
    }

    void stepsWithoutMetrics()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "nometrics", NAN);
        fs::remove(dir + "/metrics.jsonl");
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.buildResults = false;
        RunDirWatcher w(o, {});
        pollUntilCaughtUp(w);
        // kernel_rl writes metrics.jsonl only at the end of step 0: until then step 0 runs.
        for (const auto& r : w.records()) {
            QCOMPARE(r.step, 0);
            QCOMPARE(r.stepSource, StepSource::Assumed);
        }
        // An empty metrics.jsonl: the first step is running.
        std::ofstream(dir + "/metrics.jsonl").close();
        RunDirWatcher w2(o, {});
        pollUntilCaughtUp(w2);
        for (const auto& r : w2.records()) {
            QCOMPARE(r.step, 0);
            QCOMPARE(r.stepSource, StepSource::Assumed);
        }
    }

    void followsLiveAppends()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "live", kStart + 3 * kStepSeconds);
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.store = &store;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        const auto src = lines(fixture("runs/small_run/traces.jsonl"));
        const auto metricsLines = lines(fixture("runs/small_run/metrics.jsonl"));
        ev.results.clear();

        // Step 3 is running: its lines arrive, some of them in pieces.
        const double now = nowUnixSeconds();
        std::string l0 = withTimestamp(src[0], now - 5) + "\n";
        append(w.tracesPath(), l0.substr(0, 1000));
        w.poll(1 << 20);
        QCOMPARE(w.recordCount(), std::size_t(24)); // the partial line waits
        QCOMPARE(w.stats().pendingBytes, std::uint64_t(1000));
        append(w.tracesPath(), l0.substr(1000) + withTimestamp(src[1], now - 4) + "\n");
        w.poll(1 << 20);
        QCOMPARE(w.recordCount(), std::size_t(26));
        QCOMPARE(ev.rows.back().step, 3);
        QCOMPARE(ev.rows.back().stepSource, StepSource::Metrics); // after step 2's metrics line
        QCOMPARE(ev.results.size(), std::size_t(2));
        QCOMPARE(ev.results.back().request.step, 3);
        QCOMPARE(store.count(), std::size_t(26));

        // Step 3 ends (its metrics line); lines after it belong to step 4.
        std::string m3 = metricsLines[2];
        m3.replace(m3.find("\"step\": 2"), 9, "\"step\": 3");
        append(w.metricsPath(), m3 + "\n");
        w.poll(1 << 20);
        QCOMPARE(ev.metrics.back().step, std::int64_t(3));
        append(w.tracesPath(), withTimestamp(src[2], nowUnixSeconds() + 2) + "\n");
        w.poll(1 << 20);
        QCOMPARE(ev.rows.back().step, 4);
        QCOMPARE(ev.results.back().request.step, 4);
    }

    void truncatedAndReplacedWhileWatching()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "trunc", kStart + 3 * kStepSeconds);
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        const auto src = lines(w.tracesPath());

        // Cut down to its first 3 lines (a restarted run that rewrote the file).
        {
            std::ofstream out(w.tracesPath(), std::ios::binary | std::ios::trunc);
            for (int i = 0; i < 3; ++i)
                out << src[i] << "\n";
        }
        pollUntilCaughtUp(w);
        QCOMPARE(ev.resets.size(), std::size_t(1));
        QCOMPARE(ev.resets[0].first, RunFile::Traces);
        QCOMPARE(ev.resets[0].second, TailReset::Truncated);
        QCOMPARE(w.recordCount(), std::size_t(3));
        QCOMPARE(ev.rows.size(), std::size_t(3));
        QCOMPARE(ev.indexed, 2); // indexed again from scratch

        // Replaced by another file (rename over it).
        const std::string tmpFile = dir + "/traces.jsonl.new";
        {
            std::ofstream out(tmpFile, std::ios::binary);
            for (int i = 0; i < 5; ++i)
                out << src[10 + i] << "\n";
        }
        fs::rename(tmpFile, w.tracesPath());
        pollUntilCaughtUp(w);
        QCOMPARE(ev.resets.size(), std::size_t(2));
        QCOMPARE(ev.resets[1].second, TailReset::Replaced);
        QCOMPARE(w.recordCount(), std::size_t(5));
        QCOMPARE(ev.rows.size(), std::size_t(5));
        QCOMPARE(w.records().front().offset, std::uint64_t(0));
    }

    void badLinesAreCountedNotFatal()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "bad_lines", "bad", NAN);
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.store = &store;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        const RunWatchStats s = w.stats();
        QCOMPARE(s.blankLines, std::uint64_t(1));
        QCOMPARE(s.traceLines, std::uint64_t(17));
        QCOMPARE(s.records, std::uint64_t(11)); // 8 good, non-UTF-8 + NaN, recovered, CRLF
        auto reason = [&](TraceIssue i) {
            auto it = s.skipped.find(std::string(traceIssueReason(i)));
            return it == s.skipped.end() ? 0ull : static_cast<unsigned long long>(it->second);
        };
        QCOMPARE(reason(TraceIssue::Truncated), 1ull);
        QCOMPARE(reason(TraceIssue::InvalidJson), 2ull);
        QCOMPARE(reason(TraceIssue::Binary), 1ull);
        QCOMPARE(reason(TraceIssue::NotObject), 1ull);
        QCOMPARE(reason(TraceIssue::MissingFields), 1ull);
        QCOMPARE(reason(TraceIssue::Recovered), 1ull);
        QCOMPARE(store.count(), std::size_t(11));
        // Unknown rows stay in the table, in file order.
        QCOMPARE(ev.rows.size(), std::size_t(17));
        QCOMPARE(ev.rows[8].issue, TraceIssue::Truncated);
        QCOMPARE(ev.rows[8].status, EvalStatus::Unknown);
        QCOMPARE(s.metricsRecords, std::uint64_t(3));
        QCOMPARE(s.metricsLines, std::uint64_t(5));
        QVERIFY(ev.errors.empty());
    }

    void overlongLineIsAnUnknownRow()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "long", kStart + 3 * kStepSeconds);
        append(dir + "/traces.jsonl", "{\"mode\": \"" + std::string(200000, 'x') + "\"}\n");
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.maxLineBytes = 100000;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        QCOMPARE(w.recordCount(), std::size_t(25));
        QCOMPARE(ev.rows.back().issue, TraceIssue::TooLong);
        QCOMPARE(ev.rows.back().length, std::uint32_t(200012));
        QCOMPARE(ev.results.size(), std::size_t(24));
    }

    void storeWriterReportsOnlyStoredResults()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "writer", kStart + 3 * kStepSeconds);
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
        QCOMPARE(results.load(), 25);
        QCOMPARE(notStored.load(), 0);
        QCOMPARE(store.count(), std::size_t(25));
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

        copyRun(tmp, "small_run", "runs/alpha", kStart + 3 * kStepSeconds);
        for (int i = 0; i < 20; ++i)
            rw.poll(1 << 20);
        QCOMPARE(added, std::vector<std::string>{"alpha"});
        QCOMPARE(rows.load(), 24);

        copyRun(tmp, "bad_lines", "runs/group/beta", NAN); // two levels down
        for (int i = 0; i < 20; ++i)
            rw.poll(1 << 20);
        QCOMPARE(added.size(), std::size_t(2));
        QCOMPARE(added[1], std::string("beta"));
        QCOMPARE(rw.runs().size(), std::size_t(2));
        QCOMPARE(rows.load(), 24 + 17);

        fs::remove_all(root + "/alpha");
        rw.poll(1 << 20);
        QCOMPARE(removed, std::vector<std::string>{"alpha"});
        QCOMPARE(rw.runs().size(), std::size_t(1));
    }

    void loopThreadFollowsGrowingRun()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "small_run", "looped", kStart + 3 * kStepSeconds);
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
        QCOMPARE(rows.load(), 24);
        const auto src = lines(w->tracesPath());
        for (int round = 0; round < 5; ++round) {
            std::string chunk;
            for (int i = 0; i < 10; ++i)
                chunk += withTimestamp(src[i], nowUnixSeconds() + round) + "\n";
            append(w->tracesPath(), chunk);
            QTRY_COMPARE_WITH_TIMEOUT(rows.load(), 24 + 10 * (round + 1), 5000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(results.load(), 24 + 50, 5000);
        QCOMPARE(store.count(), std::size_t(74));
        loop.stop();
        QVERIFY(loop.rounds() > 0);
    }
};

QTEST_GUILESS_MAIN(TestRunWatch)
#include "tst_runwatch.moc"
