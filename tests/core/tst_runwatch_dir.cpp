// RunDirWatcher on run directories written by kernel_rl's own training code (tests/fixtures/kernel_rl,
// KernelRlRuns.h): indexing, step resolution, storing (once), live appends, truncation and
// replacement while watching, bad lines. Expected steps, statuses and counts come from each run's
// truth.jsonl.
#include "core/model/HistoryStore.h"
#include "core/watch/RunDirWatcher.h"
#include "core/watch/TraceDetails.h"
#include "tests/TestPrinters.h"
#include "tests/core/RunWatchFixtures.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace kw;
using namespace kwtest;
namespace fs = std::filesystem;

class TestRunWatchDir : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!fs::exists(kwcorpus::runDir("single_turn") + "/truth.jsonl"))
            QFAIL("kernel_rl corpus not found (tests/fixtures/kernel_rl/runs)");
    }

    void indexesResolvesStepsAndStoresOnce_data()
    {
        // TensorBoard files or not: the steps come from the event files, or are estimated from
        // metrics.jsonl and its mtime (as the run left it); either way they are the truth's.
        QTest::addColumn<QString>("run");
        QTest::addColumn<bool>("tensorboard");
        for (const char* run :
             {"single_turn", "multi_turn", "crash_resume", "resume_from_batch", "partial_last_line"}) {
            QTest::addRow("%s, metrics only", run) << QString::fromLatin1(run) << false;
            QTest::addRow("%s, tensorboard", run) << QString::fromLatin1(run) << true;
        }
    }

    void indexesResolvesStepsAndStoresOnce()
    {
        QFETCH(QString, run);
        QFETCH(bool, tensorboard);
        const std::string name = run.toStdString();
        const auto truth = kwcorpus::truth(name);
        const auto whole = kwcorpus::wholeRecords(name);
        const std::size_t metricsLines =
            kwcorpus::jsonLines(kwcorpus::runDir(name) + "/metrics.jsonl").size();
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, name, "run1", tensorboard);
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
        QCOMPARE(w.recordCount(), lineCount(truth));
        QCOMPARE(w.stats().pendingBytes, pendingBytes(truth));
        QCOMPARE(ev.metrics.size(), metricsLines);
        QCOMPARE(w.info().gpuType, configGpu(name));
        const auto rows = w.records();
        if (!tensorboard && name == "crash_resume")
            QEXPECT_FAIL("",
                         "core: without TensorBoard files a restart is not seen after the fact (StepMapper)",
                         Continue);
        const std::string bad = truthMismatches(rows, truth);
        QVERIFY2(bad.empty(), bad.c_str());
        for (const auto& r : rows)
            if (r.valid())
                QCOMPARE(r.stepSource, tensorboard ? StepSource::Tensorboard : StepSource::Estimated);
        // Every record is in the store, once, with its run, step, turn, problem, status and reward.
        QCOMPARE(ev.results.size(), whole.size());
        QCOMPARE(store.count(), whole.size());
        HistoryQuery q;
        q.run = "run1";
        q.newestFirst = false;
        const auto stored = store.rows(q);
        QCOMPARE(stored.size(), whole.size());
        std::map<std::string, const Record*> byId;
        for (const EvalResult& r : ev.results) {
            const std::uint64_t offset = r.metadata["trace"]["offset"].get<std::uint64_t>();
            const auto t =
                std::find_if(whole.begin(), whole.end(), [&](const Record& x) { return x.offset == offset; });
            QVERIFY(t != whole.end());
            byId[r.id] = &*t;
        }
        QCOMPARE(byId.size(), whole.size());
        int stepMismatches = 0;
        for (const auto& r : stored) {
            QVERIFY(byId.count(r.id));
            const Record& t = *byId[r.id];
            QCOMPARE(r.source, std::string("run"));
            stepMismatches += r.step != t.step;
            QCOMPARE(r.turn, t.turn);
            QCOMPARE(r.problem, t.problem);
            QCOMPARE(std::string(statusName(r.status)), t.status);
            QVERIFY(r.reward.has_value());
            QCOMPARE(*r.reward, t.reward);
            QCOMPARE(r.target, "modal:" + configGpu(name));
        }
        if (!tensorboard && name == "crash_resume")
            QEXPECT_FAIL("",
                         "core: without TensorBoard files a restart is not seen after the fact (StepMapper)",
                         Continue);
        QCOMPARE(stepMismatches, 0);
        QCOMPARE(w.stats().resultsNew, std::uint64_t(whole.size()));

        // Seen again (a restart): nothing new is stored.
        Events ev2;
        RunDirWatcher again(o, ev2.callbacks());
        pollUntilCaughtUp(again);
        QCOMPARE(again.stats().resultsNew, std::uint64_t(0));
        QCOMPARE(store.count(), whole.size());
        QCOMPARE(ev2.results.front().id, ev.results.front().id);

        // Without onResults, rows the store has are not even re-read.
        RunDirWatcher quiet(o, {});
        pollUntilCaughtUp(quiet);
        QCOMPARE(quiet.stats().resultsBuilt, std::uint64_t(0));

        // Details are loaded lazily from the offsets: those of the record kernel_rl wrote there.
        const std::string traces = kwcorpus::slurp(w.tracesPath());
        for (const Record* t : {&whole.front(), &whole[whole.size() / 2], &whole.back()}) {
            const auto r = std::find_if(rows.begin(), rows.end(),
                                        [&](const TraceRecord& x) { return x.offset == t->offset; });
            QVERIFY(r != rows.end());
            TraceDetails d = loadTraceDetails(w.tracesPath(), r->offset, r->length, r->idHash);
            QVERIFY2(d.ok, d.error.c_str());
            const auto j = nlohmann::json::parse(kwcorpus::recordBytes(traces, *t));
            QCOMPARE(d.promptMessages.size(), j["prompt_messages"].size());
            QCOMPARE(d.promptMessages.back().content,
                     j["prompt_messages"].back()["content"].get<std::string>());
            QCOMPARE(d.kernel, j["response"]["kernel"].get<std::string>());
        }
    }

    void stepsWithoutTrustworthyMtime_data()
    {
        QTest::addColumn<QString>("run");
        for (const char* run :
             {"single_turn", "multi_turn", "crash_resume", "resume_from_batch", "partial_last_line"})
            QTest::newRow(run) << QString::fromLatin1(run);
    }

    void stepsWithoutTrustworthyMtime()
    {
        // Files copied long after the run (mtime = now), no TensorBoard files: anchored at the
        // last trace instead.
        QFETCH(QString, run);
        const auto truth = kwcorpus::truth(run.toStdString());
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, run.toStdString(), "copied", false, false);
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.buildResults = false;
        RunDirWatcher w(o, {});
        pollUntilCaughtUp(w);
        // Without TensorBoard files and without a trustworthy mtime the last step's end is estimated
        // from its last trace plus its training phase, and a resume_from_batch re-run is seen from the
        // metrics steps going back (0 1 2 1 2). What metrics lines alone cannot say: where a crashed
        // process's cut step ends and the resumed one begins (crash_resume), and that the records
        // after the last metrics line belong to a step the crash cut short (partial_last_line).
        QEXPECT_FAIL("partial_last_line", "no TensorBoard: the step a crash cut short is not seen", Continue);
        QEXPECT_FAIL("crash_resume", "no TensorBoard: a restart inside a step is not seen after the fact",
                     Continue);
        const std::string bad = truthMismatches(w.records(), truth);
        QVERIFY2(bad.empty(), bad.c_str());
    }

    void stepsWithoutMetrics()
    {
        // The run as it stood during step 0: kernel_rl writes metrics.jsonl only at the end of step
        // 0, so until then step 0 runs (assumed: nothing says so yet).
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath(QStringLiteral("step0")).toStdString();
        kwcorpus::Replay replay("single_turn", dir);
        replay.applyWhile([](const kwcorpus::Replay::Event& e) { return e.path != "metrics.jsonl"; });
        auto truth = kwcorpus::truth("single_turn");
        truth.erase(std::remove_if(truth.begin(), truth.end(), [](const Record& r) { return r.step != 0; }),
                    truth.end());
        QVERIFY(!fs::exists(dir + "/metrics.jsonl"));
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.buildResults = false;
        RunDirWatcher w(o, {});
        pollUntilCaughtUp(w);
        {
            const std::string bad = truthMismatches(w.records(), truth);
            QVERIFY2(bad.empty(), bad.c_str());
        }
        for (const auto& r : w.records())
            QCOMPARE(r.stepSource, StepSource::Assumed);
        // An empty metrics.jsonl: the first step is running.
        std::ofstream(dir + "/metrics.jsonl").close();
        RunDirWatcher w2(o, {});
        pollUntilCaughtUp(w2);
        {
            const std::string bad = truthMismatches(w2.records(), truth);
            QVERIFY2(bad.empty(), bad.c_str());
        }
        for (const auto& r : w2.records())
            QCOMPARE(r.stepSource, StepSource::Assumed);
    }

    void followsLiveAppends_data()
    {
        QTest::addColumn<QString>("run");
        QTest::newRow("single_turn") << QStringLiteral("single_turn");
        QTest::newRow("multi_turn") << QStringLiteral("multi_turn");
    }

    void followsLiveAppends()
    {
        // The run written again in kernel_rl's order (no TensorBoard files: the metrics lines and
        // checkpoints decide), from the end of step 0 on, each record in two pieces.
        QFETCH(QString, run);
        const std::string name = run.toStdString();
        const auto truth = kwcorpus::truth(name);
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath(QStringLiteral("live")).toStdString();
        kwcorpus::Replay replay(name, dir);
        replay.applyWhile([](const kwcorpus::Replay::Event& e) { return e.path != "metrics.jsonl"; });
        replay.apply(); // step 0's metrics line
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.store = &store;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        std::size_t seen = w.recordCount();
        QVERIFY(seen > 0);
        QCOMPARE(ev.metrics.size(), std::size_t(1));
        ev.results.clear();
        std::size_t results = 0;
        std::int64_t lastMetricsStep = 0;
        while (!replay.done()) {
            const kwcorpus::Replay::Event e = replay.peek();
            if (e.record >= 0) {
                // The record arrives in two pieces: the first waits.
                const Record& t = truth[std::size_t(e.record)];
                const std::size_t half = (e.end - e.start) / 2;
                replay.apply(half);
                w.poll(1 << 20);
                QCOMPARE(w.recordCount(), seen);
                QCOMPARE(w.stats().pendingBytes, std::uint64_t(half));
                replay.apply();
                w.poll(1 << 20);
                QCOMPARE(w.recordCount(), ++seen);
                const std::string where = name + " record " + std::to_string(e.record);
                QVERIFY2(ev.rows.back().step == t.step,
                         (where + ": step " + std::to_string(ev.rows.back().step) + ", truth " +
                          std::to_string(t.step))
                             .c_str());
                QCOMPARE(std::string(statusName(ev.rows.back().status)), t.status);
                // After step 0's metrics line: set by the last metrics line or by the checkpoint
                // kernel_rl saves with it (which says which step runs next), never assumed.
                QVERIFY(ev.rows.back().stepSource == StepSource::Metrics ||
                        ev.rows.back().stepSource == StepSource::Checkpoint);
                QCOMPARE(ev.results.size(), ++results);
                QCOMPARE(ev.results.back().request.step, t.step);
                QCOMPARE(store.count(), seen);
                continue;
            }
            replay.apply();
            w.poll(1 << 20);
            if (e.path == "metrics.jsonl") {
                QCOMPARE(ev.metrics.back().step, ++lastMetricsStep); // each step's line, read live
            }
        }
        QCOMPARE(seen, truth.size());
        QCOMPARE(ev.metrics.size(), kwcorpus::jsonLines(kwcorpus::runDir(name) + "/metrics.jsonl").size());
        QVERIFY(ev.errors.empty());
    }

    void truncatedAndReplacedWhileWatching()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "single_turn", "trunc", true);
        const auto truth = kwcorpus::truth("single_turn");
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        const std::string src = kwcorpus::slurp(w.tracesPath());

        // Cut down to its first 3 records (a restarted run that rewrote the file).
        {
            std::ofstream out(w.tracesPath(), std::ios::binary | std::ios::trunc);
            for (int i = 0; i < 3; ++i)
                out << kwcorpus::recordBytes(src, truth[std::size_t(i)]) << "\n";
        }
        pollUntilCaughtUp(w);
        QCOMPARE(ev.resets.size(), std::size_t(1));
        QCOMPARE(ev.resets[0].first, RunFile::Traces);
        QCOMPARE(ev.resets[0].second, TailReset::Truncated);
        QCOMPARE(w.recordCount(), std::size_t(3));
        QCOMPARE(ev.rows.size(), std::size_t(3));
        QCOMPARE(ev.indexed, 2); // indexed again from scratch
        for (std::size_t i = 0; i < 3; ++i) {
            QCOMPARE(ev.rows[i].offset, truth[i].offset);
            QCOMPARE(ev.rows[i].length, truth[i].length);
            QCOMPARE(std::string(statusName(ev.rows[i].status)), truth[i].status);
        }

        // Replaced by another file (rename over it): records 10 to 14, now from offset 0.
        const std::string tmpFile = dir + "/traces.jsonl.new";
        {
            std::ofstream out(tmpFile, std::ios::binary);
            for (std::size_t i = 0; i < 5; ++i)
                out << kwcorpus::recordBytes(src, truth[10 + i]) << "\n";
        }
        fs::rename(tmpFile, w.tracesPath());
        pollUntilCaughtUp(w);
        QCOMPARE(ev.resets.size(), std::size_t(2));
        QCOMPARE(ev.resets[1].second, TailReset::Replaced);
        QCOMPARE(w.recordCount(), std::size_t(5));
        QCOMPARE(ev.rows.size(), std::size_t(5));
        QCOMPARE(w.records().front().offset, std::uint64_t(0));
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i < 5; ++i) {
            QCOMPARE(ev.rows[i].offset, offset);
            QCOMPARE(ev.rows[i].length, truth[10 + i].length);
            QCOMPARE(std::string(statusName(ev.rows[i].status)), truth[10 + i].status);
            offset += truth[10 + i].length + 1;
        }
    }

    void badLinesAreCountedNotFatal_data()
    {
        QTest::addColumn<QString>("run");
        QTest::newRow("single_turn") << QStringLiteral("single_turn");
        QTest::newRow("crash_resume") << QStringLiteral("crash_resume");
        QTest::newRow("partial_last_line") << QStringLiteral("partial_last_line");
    }

    void badLinesAreCountedNotFatal()
    {
        QFETCH(QString, run);
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath(QStringLiteral("bad")).toStdString();
        const kwcorpus::BadRun b = kwcorpus::makeBadRun(run.toStdString(), dir);
        // The run's own cut record: a fragment followed by the resumed writer's record on its
        // line (recovered) or the file's unfinished last line (truncated).
        int ownRecovered = 0, ownTruncated = 0;
        for (std::size_t i = 0; i < b.truth.size(); ++i)
            if (b.truth[i].cut)
                (i + 1 < b.truth.size() && b.truth[i + 1].lineNo == b.truth[i].lineNo ? ownRecovered
                                                                                      : ownTruncated)++;
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.store = &store;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        const RunWatchStats s = w.stats();
        QCOMPARE(s.blankLines, std::uint64_t(1));
        QCOMPARE(s.traceLines, std::uint64_t(b.lines));
        QCOMPARE(s.records, std::uint64_t(b.records)); // whole records, non-UTF-8 + NaN, recovered, CRLF
        auto reason = [&](TraceIssue i) {
            auto it = s.skipped.find(std::string(traceIssueReason(i)));
            return it == s.skipped.end() ? 0ull : static_cast<unsigned long long>(it->second);
        };
        QCOMPARE(reason(TraceIssue::Truncated), 1ull + ownTruncated);
        QCOMPARE(reason(TraceIssue::InvalidJson), 2ull);
        QCOMPARE(reason(TraceIssue::Binary), 1ull);
        QCOMPARE(reason(TraceIssue::NotObject), 1ull);
        QCOMPARE(reason(TraceIssue::MissingFields), 1ull);
        QCOMPARE(reason(TraceIssue::Recovered), 1ull + ownRecovered);
        QCOMPARE(store.count(), b.records);
        // Unknown rows stay in the table, in file order; the records keep the truth's status.
        QCOMPARE(ev.rows.size(), b.lines);
        QCOMPARE(ev.rows[b.firstBadRow].issue, TraceIssue::Truncated);
        QCOMPARE(ev.rows[b.firstBadRow].status, EvalStatus::Unknown);
        std::vector<std::vector<const Record*>> byLine; // the truth's records on each line
        for (const Record& r : b.truth) {
            byLine.resize(std::max<std::size_t>(byLine.size(), std::size_t(r.lineNo)));
            byLine[std::size_t(r.lineNo) - 1].push_back(&r);
        }
        QCOMPARE(byLine.size(), b.firstBadRow);
        for (std::size_t i = 0; i < b.firstBadRow; ++i) {
            const Record& t = *byLine[i].back(); // after a fragment, the record that follows it
            if (t.cut) {
                QCOMPARE(ev.rows[i].issue, TraceIssue::Truncated);
                continue;
            }
            QCOMPARE(ev.rows[i].issue, byLine[i].size() > 1 ? TraceIssue::Recovered : TraceIssue::None);
            QCOMPARE(ev.rows[i].offset, t.offset);
            QCOMPARE(std::string(statusName(ev.rows[i].status)), t.status);
        }
        const std::size_t n = ev.rows.size();
        QCOMPARE(std::string(statusName(ev.rows[n - 3].status)), b.odd.status);
        QVERIFY(!ev.rows[n - 3].hasSpeedup());
        QCOMPARE(ev.rows[n - 2].issue, TraceIssue::Recovered);
        QCOMPARE(ev.rows[n - 2].length, b.recovered.length);
        QCOMPARE(std::string(statusName(ev.rows[n - 2].status)), b.recovered.status);
        QCOMPARE(std::string(statusName(ev.rows[n - 1].status)), b.crlf.status);
        QCOMPARE(s.metricsRecords, std::uint64_t(b.metricsRecords));
        QCOMPARE(s.metricsLines, std::uint64_t(b.metricsLines));
        QVERIFY(ev.errors.empty());
    }

    void overlongLineIsAnUnknownRow()
    {
        QTemporaryDir tmp;
        const std::string dir = copyRun(tmp, "single_turn", "long", true);
        const auto truth = kwcorpus::truth("single_turn");
        // A real record whose prompt grew past the limit.
        std::string line = kwcorpus::recordBytes(kwcorpus::slurp(dir + "/traces.jsonl"), truth[0]);
        const std::string key = "\"content\": \"";
        line.insert(line.find(key) + key.size(), std::string(200000, 'x'));
        append(dir + "/traces.jsonl", line + "\n");
        Events ev;
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.maxLineBytes = 100000;
        RunDirWatcher w(o, ev.callbacks());
        pollUntilCaughtUp(w);
        QCOMPARE(w.recordCount(), truth.size() + 1);
        QCOMPARE(ev.rows.back().issue, TraceIssue::TooLong);
        QCOMPARE(ev.rows.back().length, std::uint32_t(line.size()));
        QCOMPARE(ev.results.size(), truth.size());
        auto rows = w.records();
        rows.pop_back();
        const std::string bad = truthMismatches(rows, truth);
        QVERIFY2(bad.empty(), bad.c_str());
    }
};

QTEST_GUILESS_MAIN(TestRunWatchDir)
#include "tst_runwatch_dir.moc"
