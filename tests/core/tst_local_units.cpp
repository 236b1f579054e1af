// Pure pieces of the local backend: device plans, child environments, result assembly,
// the process class and the callback queue.
#include "core/base/CallbackQueue.h"
#include "core/base/ChildEnv.h"
#include "core/base/Subprocess.h"
#include "core/local/DevicePlan.h"
#include "core/local/ResultAssembly.h"

#include "tests/TestPrinters.h"

#include <QtTest>
#include <atomic>
#include <csignal>
#include <thread>

using namespace kw;

class TestLocalUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // ---- DevicePlan
    void planAutomatic()
    {
        auto p = planDevices({}, 2, 3);
        QCOMPARE(p.slotDevices, (std::vector<std::string>{"cuda:0", "cuda:1"}));
        QCOMPARE(p.cpuOnDemand, 3);
        QVERIFY(p.error.empty());
        auto c = planDevices({}, 0, 2);
        QCOMPARE(c.slotDevices, (std::vector<std::string>{"cpu", "cpu"}));
        QCOMPARE(c.cpuOnDemand, 0);
        QCOMPARE(planDevices({"auto"}, 1, 1).slotDevices, (std::vector<std::string>{"cuda:0"}));
    }
    void planExplicit()
    {
        auto p = planDevices({"cuda:1", "cuda:1", "cpu"}, 2, 2);
        QCOMPARE(p.slotDevices, (std::vector<std::string>{"cuda:1", "cuda:1", "cpu", "cpu"}));
        QCOMPARE(planDevices({"cuda"}, 3, 1).slotDevices,
                 (std::vector<std::string>{"cuda:0", "cuda:1", "cuda:2"}));
        QCOMPARE(planDevices({"cpu", "cpu", "cpu"}, 0, 1).slotDevices.size(), std::size_t(3));
    }
    void planErrors()
    {
        auto p = planDevices({"cuda:2"}, 2, 1);
        QVERIFY(p.error.find("cuda:2 does not exist") != std::string::npos);
        QVERIFY(p.error.find("cuda:0, cuda:1") != std::string::npos);
        QVERIFY(planDevices({"cuda:0"}, 0, 1).error.find("no GPU") != std::string::npos);
        QVERIFY(planDevices({"cuda"}, 0, 1).error.find("sees none") != std::string::npos);
        QVERIFY(planDevices({"tpu"}, 0, 1).error.find("unknown device") != std::string::npos);
    }
    void resolve()
    {
        const auto gpu = planDevices({}, 2, 1);
        DeviceMatch m;
        std::string err;
        QVERIFY(resolveDevice("auto", gpu, m, err));
        QVERIFY(m.kind == DeviceMatch::Kind::AnyGpu);
        QVERIFY(m.accepts("cuda:1") && !m.accepts("cpu"));
        QVERIFY(resolveDevice("cuda:1", gpu, m, err));
        QVERIFY(m.accepts("cuda:1") && !m.accepts("cuda:0"));
        QVERIFY(resolveDevice("cpu", gpu, m, err)); // served on demand
        QVERIFY(m.accepts("cpu"));
        QVERIFY(!resolveDevice("cuda:5", gpu, m, err));
        QVERIFY2(err.find("cuda:0, cuda:1, cpu") != std::string::npos, err.c_str());

        const auto cpu = planDevices({}, 0, 1);
        QVERIFY(resolveDevice("auto", cpu, m, err));
        QVERIFY(m.kind == DeviceMatch::Kind::Cpu);
        QVERIFY(!resolveDevice("cuda", cpu, m, err));
        QVERIFY2(err.find("has cpu") != std::string::npos, err.c_str());
        QVERIFY(!resolveDevice("cuda:0", cpu, m, err));

        const auto onlyGpu = planDevices({"cuda:0"}, 1, 1);
        QVERIFY(!resolveDevice("cpu", onlyGpu, m, err));
        QVERIFY2(err.find("cuda:0") != std::string::npos, err.c_str());
    }
    void prebuildHeuristic()
    {
        EvalRequest r;
        r.kernelCode = "from torch.utils.cpp_extension import load_inline\n";
        QVERIFY(needsPrebuild(r));
        r.backend = "triton";
        QVERIFY(!needsPrebuild(r));
        r.backend = "cuda";
        r.kernelCode = "import torch\nclass ModelNew: pass\n";
        QVERIFY(!needsPrebuild(r));
    }

    // ---- ChildEnv
    void secrets()
    {
        for (const char* s : {"MODAL_TOKEN_ID", "modal_profile", "HF_TOKEN", "AWS_SECRET_ACCESS_KEY",
                              "OPENAI_API_KEY", "my_key", "GITHUB_TOKEN"})
            QVERIFY2(childenv::isSecretName(s), s);
        for (const char* s : {"PATH", "HOME", "CUDA_VISIBLE_DEVICES", "PYTHONPATH", "LANG"})
            QVERIFY2(!childenv::isSecretName(s), s);
    }
    void zygoteEnv()
    {
        childenv::Env base{"PATH=/usr/bin", "MODAL_TOKEN_ID=ak-1", "MODAL_TOKEN_SECRET=as-2",
                           "HF_TOKEN=x",    "PYTHONPATH=/opt/lib", "CUDA_VISIBLE_DEVICES=2,3",
                           "HOME=/root"};
        auto env = childenv::forZygote(base, "/eval", "3");
        for (const auto& e : env)
            QVERIFY2(e.find("ak-1") == std::string::npos && e.find("as-2") == std::string::npos &&
                         e.rfind("HF_TOKEN", 0) != 0,
                     e.c_str());
        QCOMPARE(childenv::get(env, "PYTHONPATH").value_or(""), std::string("/eval:/opt/lib"));
        QCOMPARE(childenv::get(env, "CUDA_VISIBLE_DEVICES").value_or("?"), std::string("3"));
        QCOMPARE(childenv::get(env, "PYTHONUNBUFFERED").value_or(""), std::string("1"));
        QCOMPARE(childenv::get(env, "HOME").value_or(""), std::string("/root"));
        auto cpu = childenv::forZygote({"PATH=/bin"}, "/eval", "");
        QCOMPARE(childenv::get(cpu, "CUDA_VISIBLE_DEVICES").value_or("?"), std::string(""));
        QCOMPARE(childenv::get(cpu, "PYTHONPATH").value_or(""), std::string("/eval"));
    }
    void cudaVisibleMapping()
    {
        QCOMPARE(childenv::cudaVisibleFor(1, std::nullopt), std::string("1"));
        QCOMPARE(childenv::cudaVisibleFor(1, std::string("2, 3")), std::string("3"));
        QCOMPARE(childenv::cudaVisibleFor(0, std::string("GPU-abc,GPU-def")), std::string("GPU-abc"));
        QCOMPARE(childenv::cudaVisibleFor(4, std::string("0,1")), std::string("4"));
    }

    // ---- ResultAssembly
    void assembleChildResult()
    {
        EvalRequest req;
        req.id = "r1";
        req.kernelCode = "abc";
        req.seedSecret = "s3cr3t";
        ChildOutcome o;
        o.slotDevice = "cuda:1";
        o.childPid = 77;
        o.result =
            nlohmann::json{{"status", "incorrect"}, {"compiled", true}, {"error_message", "max diff 0.5"}};
        ZygoteEvent ex;
        ex.type = ZygoteEvent::Type::Exited;
        ex.exitCode = 0;
        ex.logTail = "printed";
        ex.resultReceived = true;
        o.exited = ex;
        o.isolation = "setsid,rlimits";
        auto r = assembleResult(req, o, 100.0, 0.25);
        QCOMPARE(r.status, EvalStatus::Incorrect);
        QCOMPARE(r.id, std::string("r1"));
        QVERIFY(r.request.seedSecret.empty());
        QCOMPARE(r.logTail, std::string("printed"));
        QCOMPARE(r.device.target, std::string("cuda:1"));
        QCOMPARE(r.worker.pid, 77LL);
        QCOMPARE(r.worker.gpuIndex, 1);
        QCOMPARE(r.codeLength, 3LL);
        QCOMPARE(r.createdAt, 100.0);
        QCOMPARE(r.timings.queued, 0.25);
        QCOMPARE(r.isolation, std::string("setsid,rlimits"));
        QVERIFY(!needsFreshZygote(o, r));
    }
    void assembleLegacyStatus()
    {
        ChildOutcome o;
        o.result = nlohmann::json{{"compiled", true}, {"correctness", true}};
        QCOMPARE(assembleResult({}, o, 0, 0).status, EvalStatus::Correct);
        o.result = nlohmann::json{{"compiled", false}};
        QCOMPARE(assembleResult({}, o, 0, 0).status, EvalStatus::CompileError);
    }
    void assembleTimeout()
    {
        ChildOutcome o;
        o.timedOut = true;
        o.timeoutS = 30;
        o.lastStage = "timing";
        ZygoteEvent ex;
        ex.signal = SIGKILL;
        o.exited = ex;
        auto r = assembleResult({}, o, 0, 0);
        QCOMPARE(r.status, EvalStatus::Timeout);
        QVERIFY2(r.errorMessage.find("exceeded the 30 s timeout") == 0, r.errorMessage.c_str());
        QVERIFY(r.compiled);
        QVERIFY(!needsFreshZygote(o, r)); // our own kill
        o.mode = "compile";
        o.lastStage.clear();
        r = assembleResult({}, o, 0, 0);
        QVERIFY2(r.errorMessage.find("while building on the CPU") != std::string::npos,
                 r.errorMessage.c_str());
        QVERIFY(!r.compiled);
    }
    void assembleCrash()
    {
        ChildOutcome o;
        ZygoteEvent ex;
        ex.signal = SIGSEGV;
        ex.logTail = "line1\nSegfault here\n";
        o.exited = ex;
        auto r = assembleResult({}, o, 0, 0);
        QCOMPARE(r.status, EvalStatus::Crashed);
        QVERIFY2(r.errorMessage.find("SIGSEGV") != std::string::npos, r.errorMessage.c_str());
        QVERIFY2(r.errorMessage.find("Segfault here") != std::string::npos, r.errorMessage.c_str());
        QCOMPARE(r.metadata["signal"].get<std::string>(), std::string("SIGSEGV"));
        QVERIFY(needsFreshZygote(o, r));
    }
    void assembleChannelError()
    {
        ChildOutcome o;
        ZygoteEvent ex;
        ex.exitCode = 0;
        ex.channelError = "invalid JSON on the result channel";
        o.exited = ex;
        auto r = assembleResult({}, o, 0, 0);
        QCOMPARE(r.status, EvalStatus::Crashed);
        QVERIFY2(r.errorMessage.find("result channel error: invalid JSON") == 0, r.errorMessage.c_str());
        ex.channelError.clear();
        ex.exitCode = 3;
        o.exited = ex;
        QVERIFY(assembleResult({}, o, 0, 0).errorMessage.find("code 3") != std::string::npos);
    }
    void assembleCancelAndZygoteDeath()
    {
        ChildOutcome o;
        o.cancelled = true;
        o.result = nlohmann::json{{"status", "correct"}};
        auto r = assembleResult({}, o, 0, 0);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QCOMPARE(r.errorMessage, std::string("cancelled"));
        QCOMPARE(r.metadata.value("cancelled", false), true); // stored rows show it as cancelled
        QVERIFY(r.isCancelled());
        ChildOutcome z;
        z.zygoteDied = true;
        z.zygoteMessage = "exited with signal SIGKILL";
        r = assembleResult({}, z, 0, 0);
        QCOMPARE(r.status, EvalStatus::Crashed);
        QVERIFY(r.errorMessage.find("evaluator process died") != std::string::npos);
        QVERIFY(needsFreshZygote(z, r));
    }
    void cudaFaultNeedsFreshZygote()
    {
        ChildOutcome o;
        o.result = nlohmann::json{{"status", "runtime_error"},
                                  {"error_message", "CUDA error: an illegal memory access was encountered"}};
        ZygoteEvent ex;
        ex.exitCode = 0;
        o.exited = ex;
        auto r = assembleResult({}, o, 0, 0);
        QVERIFY(needsFreshZygote(o, r));
    }
    void mergeBuildStage()
    {
        EvalResult gpu, pre;
        gpu.timings.compile = 0.1;
        gpu.timings.total = 1;
        pre.timings.compile = 40;
        pre.metadata["cache_hit"] = false;
        mergePrebuild(gpu, pre, 41);
        QCOMPARE(gpu.timings.compile, 40.1);
        QCOMPARE(gpu.timings.total, 42.0);
        QCOMPARE(gpu.metadata["prebuild"]["cache_hit"].get<bool>(), false);
    }
    void seconds()
    {
        QCOMPARE(formatSeconds(30), std::string("30 s"));
        QCOMPARE(formatSeconds(2.5), std::string("2.5 s"));
        QCOMPARE(formatSeconds(300), std::string("5 min"));
        QCOMPARE(formatSeconds(150), std::string("2 min 30 s"));
    }

    // ---- Subprocess
    void runsAndCaptures()
    {
        SpawnOptions o;
        o.argv = {"/bin/sh", "-c", "read x; echo out:$x; echo err >&2; exit 3"};
        o.env = {"PATH=/usr/bin:/bin"};
        auto r = runProgram(o, "hello\n", 10);
        QVERIFY(r.startError.empty());
        QCOMPARE(r.out, std::string("out:hello\n"));
        QCOMPARE(r.err, std::string("err\n"));
        QCOMPARE(r.status.exitCode.value_or(-1), 3);
        QVERIFY(!r.timedOut);
    }
    void largeInputNoDeadlock()
    {
        SpawnOptions o;
        o.argv = {"/bin/cat"};
        const std::string big(3 << 20, 'z');
        auto r = runProgram(o, big, 30, 8 << 20);
        QCOMPARE(r.out.size(), big.size());
    }
    void startFailure()
    {
        SpawnOptions o;
        o.argv = {"/nonexistent/python9"};
        Subprocess p;
        const std::string err = p.start(o);
        QVERIFY2(err.find("No such file") != std::string::npos, err.c_str());
    }
    void timeoutKillsGroup()
    {
        SpawnOptions o;
        o.argv = {"/bin/sh", "-c", "sleep 100 & echo $!; wait"};
        QElapsedTimer t;
        t.start();
        auto r = runProgram(o, {}, 0.5);
        QVERIFY(r.timedOut);
        QVERIFY(t.elapsed() < 3000);
        const int bg = std::atoi(r.out.c_str());
        QVERIFY(bg > 1);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(bg), 2000);
    }
    void writeToDeadReaderDoesNotRaiseSigpipe()
    {
        SpawnOptions o;
        o.argv = {"/bin/true"};
        Subprocess p;
        QVERIFY(p.start(o).empty());
        p.wait();
        const std::string chunk(1 << 20, 'a');
        QVERIFY(!p.writeAll(chunk, 1000)); // EPIPE, and we are still alive
    }
    void signalNames()
    {
        QCOMPARE(signalName(SIGSEGV), std::string("SIGSEGV"));
        QCOMPARE(signalName(SIGKILL), std::string("SIGKILL"));
        ExitStatus s;
        s.signal = SIGABRT;
        QVERIFY(s.describe().find("SIGABRT") != std::string::npos);
    }

    // ---- CallbackQueue
    void callbacksInOrder()
    {
        std::vector<int> seen;
        {
            CallbackQueue q;
            for (int i = 0; i < 100; ++i)
                q.post([&seen, i] { seen.push_back(i); });
            q.post([] { throw std::runtime_error("a throwing callback does not stop the queue"); });
            q.post([&seen] { seen.push_back(100); });
            q.drain();
            QCOMPARE(seen.size(), std::size_t(101));
        }
        for (int i = 0; i <= 100; ++i)
            QCOMPARE(seen[std::size_t(i)], i);
    }

public:
    static bool processGone(int pid)
    {
        QFile f(QString("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            return true;
        const QByteArray s = f.readAll();
        const int close = s.lastIndexOf(')');
        return close > 0 && s.size() > close + 2 && s[close + 2] == 'Z'; // a zombie is dead
    }
};

QTEST_GUILESS_MAIN(TestLocalUnits)
#include "tst_local_units.moc"
