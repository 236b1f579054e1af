// LocalBackend under faults: deadlines that kill the whole process group, crashes and CUDA faults
// (a fresh zygote after each), broken result channels, lost, killed and wedged zygotes, and
// zygotes that cannot start.
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

class TestLocalFaults : public QObject, private FakeZygoteSandbox
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (fixturesDir().empty())
            QSKIP("KW_TEST_FIXTURES is not set (run through ctest)");
        QVERIFY(sandboxReady());
    }

    void timeoutKillsTheWholeGroup()
    {
        LocalBackend b(config());
        QCOMPARE(b.start(), std::string());
        const auto warm = b.evaluate(fake("verdict=correct", "cpu"));
        const std::string pidfile = tmpFile("timeout.pids");
        QElapsedTimer t;
        t.start();
        auto r = b.evaluate(fake("grandchild pidfile=" + pidfile + " hang", "cpu", 1.0));
        const qint64 ms = t.elapsed();
        QCOMPARE(r.status, EvalStatus::Timeout);
        QVERIFY2(r.errorMessage.find("exceeded the 1 s timeout") == 0, r.errorMessage.c_str());
        QVERIFY2(ms < 3000, qPrintable(QString("timeout reported after %1 ms").arg(ms)));
        QVERIFY(r.compiled); // it reached the checking stage
        long long child = 0, grandchild = 0;
        std::istringstream(readFile(pidfile)) >> child >> grandchild;
        QVERIFY(child > 1 && grandchild > 1);
        QCOMPARE(r.worker.pid, child);
        QTRY_VERIFY_WITH_TIMEOUT(kwtest::processGone(child), 1000);
        QTRY_VERIFY_WITH_TIMEOUT(kwtest::processGone(grandchild), 1000);

        // The same device then evaluates an honest kernel, without a zygote restart.
        auto ok = b.evaluate(fake("verdict=correct", "cpu"));
        QCOMPARE(ok.status, EvalStatus::Correct);
        QCOMPARE(ok.metadata["zygote_pid"], warm.metadata["zygote_pid"]);
    }

    void crashGetsSignalNameAndFreshZygote()
    {
        LocalBackend b(config());
        auto first = b.evaluate(fake("verdict=correct"));
        QCOMPARE(first.status, EvalStatus::Correct);
        auto r = b.evaluate(fake("crash=SEGV"));
        QCOMPARE(r.status, EvalStatus::Crashed);
        QVERIFY2(r.errorMessage.find("SIGSEGV") != std::string::npos, r.errorMessage.c_str());
        QVERIFY2(r.logTail.find("hello from the kernel") != std::string::npos, r.logTail.c_str());
        auto after = b.evaluate(fake("verdict=correct"));
        QCOMPARE(after.status, EvalStatus::Correct);
        QVERIFY(after.metadata["zygote_pid"] != first.metadata["zygote_pid"]);

        auto abrt = b.evaluate(fake("crash=ABRT"));
        QCOMPARE(abrt.status, EvalStatus::Crashed);
        QVERIFY2(abrt.errorMessage.find("SIGABRT") != std::string::npos, abrt.errorMessage.c_str());
    }

    void cudaFaultGetsFreshZygote()
    {
        LocalBackend b(config());
        auto r = b.evaluate(fake("cuda_fault"));
        QCOMPARE(r.status, EvalStatus::RuntimeError);
        auto after = b.evaluate(fake("verdict=correct"));
        QCOMPARE(after.status, EvalStatus::Correct);
        QVERIFY(after.metadata["zygote_pid"] != r.metadata["zygote_pid"]);
    }

    void badResultChannels()
    {
        LocalBackend b(config());
        auto g = b.evaluate(fake("garbage"));
        QCOMPARE(g.status, EvalStatus::Crashed);
        QVERIFY2(g.errorMessage.find("result channel error") == 0, g.errorMessage.c_str());
        auto e = b.evaluate(fake("exit=3"));
        QCOMPARE(e.status, EvalStatus::Crashed);
        QVERIFY2(e.errorMessage.find("code 3") != std::string::npos, e.errorMessage.c_str());
        auto s = b.evaluate(fake("stdout_result"));
        QCOMPARE(s.status, EvalStatus::Crashed); // a result printed on stdout is not a result
        QVERIFY(!s.speedup);
        auto f = b.evaluate(fake("flood=20000000"));
        QCOMPARE(f.status, EvalStatus::Correct);
        QVERIFY(f.logTail.size() <= 8192);
        QVERIFY(f.metadata.value("log_bytes", 0LL) >= 20000000LL);
    }

    void zygoteLostBeforeStartIsRetried()
    {
        LocalBackend b(config());
        QCOMPARE(b.start(), std::string());
        const std::string marker = tmpFile("zygote_exit_once");
        auto r = b.evaluate(fake("zygote_exit_once=" + marker));
        QCOMPARE(r.status, EvalStatus::Correct);
        QVERIFY(QFile::exists(QString::fromStdString(marker)));
    }

    void zygoteKilledMidJob()
    {
        LocalBackend b(config());
        auto r = b.evaluate(fake("kill_zygote", "auto", 20));
        QCOMPARE(r.status, EvalStatus::Crashed);
        QVERIFY2(r.errorMessage.find("evaluator process died") != std::string::npos, r.errorMessage.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(kwtest::processGone(r.worker.pid), 2000);
        QCOMPARE(b.evaluate(fake("verdict=correct")).status, EvalStatus::Correct);
    }

    void wedgedZygoteStillTimesOut()
    {
        LocalBackend b(config());
        QCOMPARE(b.start(), std::string());
        QElapsedTimer t;
        t.start();
        auto r = b.evaluate(fake("ignore_job", "cpu", 1.0));
        QCOMPARE(r.status, EvalStatus::Timeout);
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(b.evaluate(fake("verdict=correct")).status, EvalStatus::Correct);
    }

    void crashOnOneGpuDoesNotDisturbTheOther()
    {
        EnvGuard env;
        env.set("KW_FAKE_GPUS", "2");
        LocalBackend b(config());
        std::vector<EvalRequest> reqs;
        for (int i = 0; i < 8; ++i)
            reqs.push_back(i % 4 == 0 ? fake("crash=SEGV", "cuda:0")
                                      : fake("sleep=0.05", i % 2 ? "cuda:1" : "cuda:0"));
        auto out = b.evaluateBatch(reqs);
        for (int i = 0; i < 8; ++i)
            QCOMPARE(out[std::size_t(i)].status, i % 4 == 0 ? EvalStatus::Crashed : EvalStatus::Correct);
        std::set<long long> gpu1Zygotes;
        for (int i = 1; i < 8; i += 2)
            gpu1Zygotes.insert(out[std::size_t(i)].metadata["zygote_pid"].get<long long>());
        QCOMPARE(gpu1Zygotes.size(), std::size_t(1)); // cuda:1's zygote was never restarted
    }

    void noTorchIsAStartError()
    {
        EnvGuard env;
        env.set("KW_FAKE_NO_TORCH", "1");
        LocalBackend b(config());
        const std::string err = b.start();
        QVERIFY2(err.find("cannot import torch") != std::string::npos, err.c_str());
        QVERIFY(!b.started());
        auto r = b.evaluate(fake("verdict=correct"));
        QCOMPARE(r.status, EvalStatus::InfraError);
        QCOMPARE(r.errorMessage, err);
    }

    void lazyStartFailureReachesEveryJob()
    {
        EnvGuard env;
        env.set("KW_FAKE_NO_TORCH", "1");
        LocalBackend b(config());
        auto out = b.evaluateBatch({fake("verdict=correct"), fake("verdict=correct")});
        for (const auto& r : out) {
            QCOMPARE(r.status, EvalStatus::InfraError);
            QVERIFY2(r.errorMessage.find("cannot import torch") != std::string::npos, r.errorMessage.c_str());
        }
    }

    void zygoteThatCannotStart()
    {
        EnvGuard env;
        env.set("KW_FAKE_ZYGOTE_FAIL", "1");
        LocalBackend b(config());
        const std::string err = b.start();
        QVERIFY2(err.find("told to fail") != std::string::npos, err.c_str());
        QVERIFY2(err.find("exit code 4") != std::string::npos, err.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLocalFaults)
#include "tst_local_faults.moc"
