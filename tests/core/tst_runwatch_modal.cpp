// ModalLogFollower against a stand-in `modal` program: KERNELWATCH_EVAL lines become stored
// results with their container ids, other lines are passed on, the stream reconnects when it
// ends, and entries replayed on reconnect are not delivered twice.
#include "core/modal/ModalEvalRecord.h"
#include "core/modal/ModalLogFollower.h"
#include "core/model/HistoryStore.h"

#include "tests/TestPrinters.h"

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <fstream>
#include <sys/stat.h>

using namespace kw;

class TestRunWatchModal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lineToResult()
    {
        ModalLogLine l =
            parseModalLogLine("2026-08-21T16:38:11.000000+00:00 ta-01HXYZABC KERNELWATCH_EVAL "
                              "{\"id\": \"ev-1\", \"status\": \"correct\", \"speedup\": 1.7, "
                              "\"request\": {\"problem\": \"level1/19\", \"gpu_type\": \"H100\"}}");
        auto r = modalLogLineToResult(l);
        QVERIFY(r);
        QCOMPARE(r->id, std::string("ev-1"));
        QCOMPARE(r->status, EvalStatus::Correct);
        QCOMPARE(r->request.source, std::string("modal"));
        QCOMPARE(r->worker.containerId, std::string("ta-01HXYZABC"));
        QCOMPARE(r->request.problem, std::string("level1/19"));
        QVERIFY(!r->metadata["log_timestamp"].get<std::string>().empty());

        // No id: a stable one from the payload and container.
        ModalLogLine a = parseModalLogLine("ta-01A KERNELWATCH_EVAL {\"status\": \"timeout\"}");
        ModalLogLine b = parseModalLogLine("ta-01A KERNELWATCH_EVAL {\"status\": \"timeout\"}");
        ModalLogLine c = parseModalLogLine("ta-01B KERNELWATCH_EVAL {\"status\": \"timeout\"}");
        QCOMPARE(modalLogLineToResult(a)->id, modalLogLineToResult(b)->id);
        QVERIFY(modalLogLineToResult(a)->id != modalLogLineToResult(c)->id);
        QVERIFY(!modalLogLineToResult(parseModalLogLine("ta-01A plain text")));
        QVERIFY(!modalLogLineToResult(parseModalLogLine("KERNELWATCH_EVAL {broken")));
    }

    void followsReconnectsAndDedupes()
    {
        QTemporaryDir tmp;
        const std::string script = tmp.filePath(QStringLiteral("modal")).toStdString();
        const std::string counter = tmp.filePath(QStringLiteral("count")).toStdString();
        {
            std::ofstream s(script);
            s << "#!/bin/sh\n"
                 "n=$(cat \"$KW_FAKE_COUNTER\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "
                 "\"$KW_FAKE_COUNTER\"\n"
                 "echo '2026-08-21T16:38:10.100000+00:00 ta-01HXYZABC Starting evaluation'\n"
                 "echo '2026-08-21T16:38:11.000000+00:00 ta-01HXYZABC KERNELWATCH_EVAL {\"id\": \"ev-1\", "
                 "\"status\": \"correct\", \"speedup\": 1.7}'\n"
                 "if [ $n -ge 2 ]; then echo '2026-08-21T16:39:00.000000+00:00 ta-01HXYZDEF KERNELWATCH_EVAL "
                 "{\"status\": \"timeout\", \"error_message\": \"timed out\"}'; fi\n"
                 "echo '2026-08-21T16:39:01.000000+00:00 ta-01HXYZDEF KERNELWATCH_EVAL {not json'\n"
                 "exit 0\n";
        }
        ::chmod(script.c_str(), 0755);
        HistoryStore store(tmp.filePath(QStringLiteral("h.sqlite")).toStdString());
        ModalCliOptions co;
        co.program = script;
        co.env["KW_FAKE_COUNTER"] = counter;
        ModalLogFollower::Options o;
        o.store = &store;
        o.minBackoffS = 0.05;
        o.maxBackoffS = 0.2;
        o.flushIntervalS = 0.05;
        std::atomic<int> results{0}, lines{0}, ended{0};
        std::mutex mu;
        std::vector<EvalResult> got;
        std::vector<double> retries;
        ModalLogFollower::Callbacks cb;
        cb.onResults = [&](const ModalLogFollower::ResultBatch& b) {
            std::lock_guard lock(mu);
            got.insert(got.end(), b.results.begin(), b.results.end());
            results += int(b.results.size());
        };
        cb.onLines = [&](const std::vector<ModalLogLine>& ls) { lines += int(ls.size()); };
        cb.onStream = [&](const ModalLogFollower::StreamEvent& e) {
            if (!e.connected) {
                std::lock_guard lock(mu);
                retries.push_back(e.retryInS);
                ++ended;
            }
        };
        ModalLogFollower f(ModalCli(co), o, cb);
        f.start();
        QTRY_VERIFY_WITH_TIMEOUT(ended.load() >= 5, 10000);
        f.stop();
        QCOMPARE(results.load(), 2); // ev-1 once, the timeout once, whatever the replays
        QCOMPARE(lines.load(),
                 2); // "Starting evaluation" and the bad payload once each: replays are not appended again
        const auto s = f.stats();
        QVERIFY(s.replayedLines >= 6);
        QCOMPARE(s.badPayloads, std::uint64_t(1));
        QVERIFY(s.connects >= 5);
        QVERIFY(s.backfills >= 4); // every reconnect fetched --since the last line first
        {
            // Streams that bring nothing new back off up to the maximum instead of every 50 ms.
            std::lock_guard lock(mu);
            QCOMPARE(retries.back(), 0.2);
            QVERIFY(std::is_sorted(retries.begin() + 2, retries.end()));
        }
        QCOMPARE(store.count(), std::size_t(2));
        HistoryQuery q;
        q.source = "modal";
        QCOMPARE(store.rows(q).size(), std::size_t(2));
        std::lock_guard lock(mu);
        QCOMPARE(got[0].worker.containerId, std::string("ta-01HXYZABC"));
        QCOMPARE(got[1].worker.containerId, std::string("ta-01HXYZDEF"));
        QCOMPARE(got[1].status, EvalStatus::Timeout);
    }

    void stopsPromptlyWhileStreaming()
    {
        QTemporaryDir tmp;
        const std::string script = tmp.filePath(QStringLiteral("modal")).toStdString();
        {
            std::ofstream s(script);
            s << "#!/bin/sh\nwhile true; do echo 'ta-01A tick'; sleep 0.05; done\n";
        }
        ::chmod(script.c_str(), 0755);
        ModalCliOptions co;
        co.program = script;
        std::atomic<int> lines{0};
        ModalLogFollower::Callbacks cb;
        cb.onLines = [&](const std::vector<ModalLogLine>& ls) { lines += int(ls.size()); };
        ModalLogFollower::Options o;
        o.flushIntervalS = 0.05;
        ModalLogFollower f(ModalCli(co), o, cb);
        f.start();
        QTRY_VERIFY_WITH_TIMEOUT(lines.load() >= 3, 10000);
        QElapsedTimer t;
        t.start();
        f.stop();
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        QVERIFY(!f.running());
    }
};

QTEST_GUILESS_MAIN(TestRunWatchModal)
#include "tst_runwatch_modal.moc"
