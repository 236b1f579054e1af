// LocalBackend's scheduling: results, progress, cancellation, ordering, slots and GPUs, compile-ahead,
// shutdown and stress (exactly one answer per job). Faults are in tst_local_faults.
// Against the fake zygote in tests/fixtures/fake_zygote (standard-library Python, no torch needed).
#include "core/local/LocalBackend.h"
#include "tests/EnvGuard.h"
#include "tests/ProcessTestUtils.h"
#include "tests/core/FakeZygote.h"

#include "tests/TestPrinters.h"

#include <QtTest>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

using namespace kw;
using namespace kw::testing;

class TestLocalScheduler : public QObject, private FakeZygoteSandbox
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (fixturesDir().empty())
            QSKIP("KW_TEST_FIXTURES is not set (run through ctest)");
        QVERIFY(sandboxReady());
    }

    void correctResultIsAssembled()
    {
        LocalBackend b(config());
        QCOMPARE(b.start(), std::string());
        QVERIFY(b.started());
        QCOMPARE(b.deviceSlots(), std::vector<std::string>{"cpu"});
        QVERIFY2(b.describe().find("cpu") != std::string::npos, b.describe().c_str());
        auto req = fake("verdict=correct");
        req.seedSecret = "hidden";
        const double before = nowUnixSeconds();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::Correct);
        QCOMPARE(r.id, req.id);
        QCOMPARE(r.request.problem, req.problem);
        QVERIFY(r.request.seedSecret.empty());
        QVERIFY2(r.logTail.find("hello from the kernel") != std::string::npos, r.logTail.c_str());
        QVERIFY(r.createdAt >= before && r.finishedAt >= r.createdAt);
        QVERIFY(r.timings.queued >= 0);
        QVERIFY(r.worker.pid > 0);
        QCOMPARE(r.device.target, std::string("cpu"));
        QCOMPARE(r.isolation, std::string("setsid,fake"));
        QCOMPARE(r.speedup.value_or(0), 1.5);
        QCOMPARE(b.pending(), std::size_t(0));

        auto bad = b.evaluate(fake("verdict=incorrect"));
        QCOMPARE(bad.status, EvalStatus::Incorrect);
    }

    void progressStagesInOrder()
    {
        LocalBackend b(config());
        std::mutex m;
        std::vector<EvalProgress> seen;
        auto r = b.evaluate(fake("sleep=0.1"), [&](const EvalProgress& p) {
            std::lock_guard lock(m);
            seen.push_back(p);
        });
        QCOMPARE(r.status, EvalStatus::Correct);
        std::vector<EvalStage> stages;
        for (const auto& p : seen)
            if (stages.empty() || stages.back() != p.stage)
                stages.push_back(p.stage);
        QCOMPARE(stages, (std::vector<EvalStage>{EvalStage::Queued, EvalStage::Compiling, EvalStage::Checking,
                                                 EvalStage::Timing, EvalStage::Done}));
        for (std::size_t i = 1; i < seen.size(); ++i)
            QVERIFY(seen[i].elapsedS >= seen[i - 1].elapsedS);
        QCOMPARE(seen.back().detail, std::string("correct"));
        QCOMPARE(seen.front().requestId, r.id);
    }

    void cancelRunningAndQueued()
    {
        LocalBackend b(config());
        QCOMPARE(b.start(), std::string());
        const std::string pidfile = tmpFile("cancel.pids");
        std::promise<EvalResult> running, queued;
        std::atomic<int> checking{0};
        auto t1 = b.submit(
            fake("pidfile=" + pidfile + " hang", "cpu", 60),
            [&](const EvalResult& r) { running.set_value(r); },
            [&](const EvalProgress& p) {
                if (p.stage == EvalStage::Checking)
                    ++checking;
            });
        auto t2 = b.submit(fake("verdict=correct", "cpu"), [&](const EvalResult& r) { queued.set_value(r); });
        QTRY_VERIFY_WITH_TIMEOUT(checking.load() > 0, 10000);
        QCOMPARE(b.pending(), std::size_t(2));
        b.cancel(t2);
        auto q = queued.get_future().get();
        QCOMPARE(q.status, EvalStatus::InfraError);
        QCOMPARE(q.errorMessage, std::string("cancelled"));
        QElapsedTimer t;
        t.start();
        b.cancel(t1);
        auto r = running.get_future().get();
        QVERIFY(t.elapsed() < 2000);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QCOMPARE(r.errorMessage, std::string("cancelled"));
        long long child = 0;
        std::istringstream(readFile(pidfile)) >> child;
        QTRY_VERIFY_WITH_TIMEOUT(kwtest::processGone(child), 1000);
        QCOMPARE(b.pending(), std::size_t(0));
        b.cancel(t1); // finished tickets are ignored
        b.cancel(12345);
        QCOMPARE(b.evaluate(fake("verdict=correct")).status, EvalStatus::Correct);
    }

    void cancelAllAndPending()
    {
        LocalBackend b(config({}, 2));
        QCOMPARE(b.start(), std::string());
        std::atomic<int> done{0};
        std::mutex m;
        std::vector<EvalResult> results;
        for (int i = 0; i < 6; ++i)
            b.submit(fake("hang", "cpu", 60), [&](const EvalResult& r) {
                std::lock_guard lock(m);
                results.push_back(r);
                ++done;
            });
        QCOMPARE(b.pending(), std::size_t(6));
        QTest::qWait(300);
        b.cancelAll();
        QTRY_COMPARE_WITH_TIMEOUT(done.load(), 6, 5000);
        QCOMPARE(b.pending(), std::size_t(0));
        for (const auto& r : results)
            QCOMPARE(r.status, EvalStatus::InfraError);
    }

    void fifoOrderOnOneSlot()
    {
        LocalBackend b(config());
        std::vector<EvalRequest> reqs;
        for (int i = 0; i < 6; ++i)
            reqs.push_back(fake("sleep=0.02 verdict=" + std::string(i % 2 ? "incorrect" : "correct")));
        std::mutex m;
        std::vector<std::size_t> order;
        auto out = b.evaluateBatch(reqs, [&](std::size_t i, const EvalResult&) {
            std::lock_guard lock(m);
            order.push_back(i);
        });
        QCOMPARE(order, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
        for (int i = 0; i < 6; ++i)
            QCOMPARE(out[std::size_t(i)].status, i % 2 ? EvalStatus::Incorrect : EvalStatus::Correct);
    }

    void cpuSlotsRunInParallel()
    {
        LocalBackend b(config({}, 3));
        QCOMPARE(b.start(), std::string());
        QCOMPARE(b.deviceSlots().size(), std::size_t(3));
        QElapsedTimer t;
        t.start();
        auto out = b.evaluateBatch({fake("sleep=1"), fake("sleep=1"), fake("sleep=1")});
        QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
        std::set<long long> zygotes;
        for (const auto& r : out) {
            QCOMPARE(r.status, EvalStatus::Correct);
            zygotes.insert(r.metadata["zygote_pid"].get<long long>());
        }
        QCOMPARE(zygotes.size(), std::size_t(3));
    }

    void gpuDevicesAndMapping()
    {
        EnvGuard env;
        env.set("KW_FAKE_GPUS", "2");
        env.set("CUDA_VISIBLE_DEVICES", "5,7");
        LocalBackend b(config());
        QCOMPARE(b.start(), std::string());
        QCOMPARE(b.deviceSlots(), (std::vector<std::string>{"cuda:0", "cuda:1"}));
        QCOMPARE(b.probe().gpus.size(), std::size_t(2));
        QVERIFY2(b.describe().find("2 GPUs") != std::string::npos, b.describe().c_str());

        auto one = b.evaluate(fake("verdict=correct", "cuda:1"));
        QCOMPARE(one.status, EvalStatus::Correct);
        QCOMPARE(one.device.target, std::string("cuda:1"));
        QCOMPARE(one.worker.gpuIndex, 1);
        QCOMPARE(one.metadata["cuda_visible_devices"].get<std::string>(), std::string("7"));
        QCOMPARE(one.metadata["request_device"].get<std::string>(), std::string("cuda:1"));
        QCOMPARE(one.request.device, std::string("cuda:1"));

        auto missing = b.evaluate(fake("verdict=correct", "cuda:5"));
        QCOMPARE(missing.status, EvalStatus::InfraError);
        QVERIFY2(missing.errorMessage.find("cuda:0, cuda:1") != std::string::npos,
                 missing.errorMessage.c_str());

        auto cpu = b.evaluate(fake("verdict=correct", "cpu"));
        QCOMPARE(cpu.status, EvalStatus::Correct);
        QCOMPARE(cpu.metadata["cuda_visible_devices"].get<std::string>(), std::string(""));
        QCOMPARE(cpu.device.target, std::string("cpu"));

        // "cuda" and "auto" spread over both GPUs.
        QElapsedTimer t;
        t.start();
        auto out = b.evaluateBatch({fake("sleep=0.8", "cuda"), fake("sleep=0.8", "auto"),
                                    fake("sleep=0.8", "cuda"), fake("sleep=0.8", "auto")});
        std::set<std::string> used;
        for (const auto& r : out) {
            QCOMPARE(r.status, EvalStatus::Correct);
            used.insert(r.device.target);
        }
        QCOMPARE(used, (std::set<std::string>{"cuda:0", "cuda:1"}));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

    void secretsNeverReachTheZygote()
    {
        EnvGuard env;
        env.set("MODAL_TOKEN_ID", "ak-kwtestsecret1");
        env.set("MODAL_TOKEN_SECRET", "as-kwtestsecret2");
        env.set("HF_TOKEN", "hf_kwtestsecret3");
        env.set("MY_API_KEY", "kwtestsecret4");
        LocalBackend b(config());
        auto r = b.evaluate(fake("verdict=correct"));
        QCOMPARE(r.status, EvalStatus::Correct);
        QVERIFY2(r.metadata["zygote_secrets"].empty(), r.metadata["zygote_secrets"].dump().c_str());
        QVERIFY(r.metadata["secrets_seen"].empty());
        QVERIFY(toJson(r).dump().find("kwtestsecret") == std::string::npos);
    }

    void prebuildOnCpuThenGpu()
    {
        EnvGuard env;
        env.set("KW_FAKE_GPUS", "1");
        LocalBackend b(config());
        QCOMPARE(b.start(), std::string());
        const std::string log = tmpFile("build.log");
        std::mutex m;
        std::vector<EvalStage> stages;
        auto r = b.evaluate(fake("buildlog=" + log + " load_inline"), [&](const EvalProgress& p) {
            std::lock_guard lock(m);
            stages.push_back(p.stage);
        });
        QCOMPARE(r.status, EvalStatus::Correct);
        QVERIFY2(r.metadata.contains("prebuild"), r.metadata.dump().c_str());
        QCOMPARE(r.device.target, std::string("cuda:0"));
        QCOMPARE(readFile(log), std::string("compile cpu  sm_90\neval cuda:0 0 sm_90\n"));
        QCOMPARE(stages.front(), EvalStage::Queued);
        QCOMPARE(stages[1], EvalStage::Compiling);
        QCOMPARE(stages.back(), EvalStage::Done);

        // A failed build is final: the GPU is never used.
        const std::string log2 = tmpFile("build2.log");
        auto bad = b.evaluate(fake("buildlog=" + log2 + " build=error load_inline"));
        QCOMPARE(bad.status, EvalStatus::CompileError);
        QCOMPARE(bad.errorMessage, std::string("fake build failed"));
        QCOMPARE(readFile(log2), std::string("compile cpu  sm_90\n"));

        // A build past the deadline is a timeout.
        auto slow = b.evaluate(fake("build_sleep=10 load_inline", "cuda", 1));
        QCOMPARE(slow.status, EvalStatus::Timeout);
        QVERIFY2(slow.errorMessage.find("while building on the CPU") != std::string::npos,
                 slow.errorMessage.c_str());

        // Kernels without an extension skip the build stage.
        const std::string log3 = tmpFile("build3.log");
        QCOMPARE(b.evaluate(fake("buildlog=" + log3)).status, EvalStatus::Correct);
        QCOMPARE(readFile(log3), std::string("eval cuda:0 0 sm_90\n"));
    }

    void prebuildPipelinesBuildsAheadOfTheGpu()
    {
        EnvGuard env;
        env.set("KW_FAKE_GPUS", "1");
        auto c = config();
        c.compileJobs = 4;
        LocalBackend b(c);
        QCOMPARE(b.start(), std::string());
        // 4 builds of 1 s each run side by side on the CPU; the GPU stage is quick.
        std::vector<EvalRequest> reqs;
        for (int i = 0; i < 4; ++i)
            reqs.push_back(fake("build_sleep=1 load_inline n=" + std::to_string(i)));
        QElapsedTimer t;
        t.start();
        auto out = b.evaluateBatch(reqs);
        for (const auto& r : out)
            QCOMPARE(r.status, EvalStatus::Correct);
        // Serially this is >= 4 s of builds; compile zygotes start on demand (~0.1 s each here).
        QVERIFY2(t.elapsed() < 3500, qPrintable(QString::number(t.elapsed())));
    }

    void prebuildFallsBackWithoutCompileMode()
    {
        EnvGuard env;
        env.set("KW_FAKE_GPUS", "1");
        env.set("KW_FAKE_NO_COMPILE", "1");
        LocalBackend b(config());
        const std::string log = tmpFile("fallback.log");
        auto r = b.evaluate(fake("buildlog=" + log + " load_inline"));
        QCOMPARE(r.status, EvalStatus::Correct);
        QCOMPARE(readFile(log), std::string("eval cuda:0 0 sm_90\n"));
        QVERIFY(!r.metadata.contains("prebuild"));
    }

    void badDeviceConfig()
    {
        LocalBackend b(config({"cuda:0"}));
        const std::string err = b.start();
        QVERIFY2(err.find("cuda:0 does not exist") != std::string::npos, err.c_str());
    }

    void invalidRequestIsAnInfraError()
    {
        LocalBackend b(config());
        auto req = fake("verdict=correct");
        req.kernelCode.clear();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY(r.errorMessage.find("empty") != std::string::npos);
    }

    void shutdownReportsEveryJobOnce()
    {
        std::mutex m;
        std::map<std::string, int> calls;
        std::vector<EvalResult> results;
        {
            LocalBackend b(config({}, 2));
            QCOMPARE(b.start(), std::string());
            for (int i = 0; i < 5; ++i)
                b.submit(fake("hang", "cpu", 60), [&](const EvalResult& r) {
                    std::lock_guard lock(m);
                    ++calls[r.id];
                    results.push_back(r);
                });
            QTest::qWait(300);
        }
        QCOMPARE(results.size(), std::size_t(5));
        for (const auto& [id, n] : calls)
            QCOMPARE(n, 1);
        for (const auto& r : results) {
            QCOMPARE(r.status, EvalStatus::InfraError);
            QVERIFY2(r.errorMessage.find("cancelled") == 0, r.errorMessage.c_str());
        }
    }

    void mixedStressExactlyOnce()
    {
        LocalBackend b(config({}, 3));
        std::mutex m;
        std::map<std::string, int> calls;
        std::vector<Evaluator::Ticket> tickets;
        const char* kinds[] = {"verdict=correct", "crash=SEGV", "garbage",          "sleep=0.2",
                               "exit=1",          "hang",       "verdict=incorrect"};
        std::vector<std::string> ids;
        for (int i = 0; i < 28; ++i) {
            auto req = fake(kinds[i % 7], "cpu", 2);
            ids.push_back(req.id);
            tickets.push_back(b.submit(req, [&](const EvalResult& r) {
                std::lock_guard lock(m);
                ++calls[r.id];
            }));
        }
        for (int i = 0; i < 28; i += 5)
            b.cancel(tickets[std::size_t(i)]);
        QTRY_COMPARE_WITH_TIMEOUT(b.pending(), std::size_t(0), 60000);
        QTest::qWait(100);
        std::lock_guard lock(m);
        QCOMPARE(calls.size(), std::size_t(28));
        for (const auto& id : ids)
            QCOMPARE(calls[id], 1);
    }
};

QTEST_GUILESS_MAIN(TestLocalScheduler)
#include "tst_local_scheduler.moc"
