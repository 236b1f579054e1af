// Interpreter discovery: the probe parser on recorded output, the "no torch" message, and a
// real search on this machine (skipped when no Python with torch exists).
#include "core/local/PythonFinder.h"

#include <QtTest>
#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace kw;

namespace {
std::string fixture(const std::string& rel)
{
    std::ifstream in(qgetenv("KW_TEST_FIXTURES").toStdString() + "/" + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
} // namespace

class TestPythonFinder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseRecordedCpu()
    {
        const std::string text = fixture("fake_zygote/recorded/probe_debian_cpu.txt");
        if (text.empty())
            QSKIP("recorded probe output missing (KW_TEST_FIXTURES not set?)");
        auto p = parseProbeOutput(text);
        QVERIFY(p.ok);
        QCOMPARE(p.pythonVersion, std::string("3.11.2"));
        QCOMPARE(p.torchVersion, std::string("1.13.0a0"));
        QVERIFY(p.torchCuda.empty());
        QVERIFY(!p.tritonAvailable);
        QVERIFY(p.gpus.empty());
        QVERIFY(p.error.empty());
    }
    void parseRecordedNoTorch()
    {
        const std::string text = fixture("fake_zygote/recorded/probe_pyenv_no_torch.txt");
        if (text.empty())
            QSKIP("recorded probe output missing");
        auto p = parseProbeOutput(text);
        QVERIFY(!p.ok);
        QVERIFY(p.torchMissing);
        QVERIFY2(p.error.find("cannot import torch") != std::string::npos, p.error.c_str());
    }
    void parseGpuAndNoise()
    {
        const std::string text =
            "Warning: something torch says\n"
            R"({"ok": true, "python": "3.12.3", "torch": "2.11.0+cu128", "torch_cuda": "12.8", "triton": true,)"
            R"( "gpus": [{"index": 0, "name": "NVIDIA H100 80GB HBM3", "arch": "sm_90", "memory_gib": 79.1},)"
            R"( {"index": 1, "name": "NVIDIA H100 80GB HBM3", "capability": [9, 0], "total_memory": 85899345920}]})"
            "\n";
        auto p = parseProbeOutput(text);
        QVERIFY(p.ok);
        QCOMPARE(p.torchCuda, std::string("12.8"));
        QVERIFY(p.tritonAvailable);
        QCOMPARE(p.gpus.size(), std::size_t(2));
        QCOMPARE(p.gpus[0].name, std::string("NVIDIA H100 80GB HBM3"));
        QCOMPARE(p.gpus[0].arch, std::string("sm_90"));
        QCOMPARE(p.gpus[0].memoryGiB, 79.1);
        QCOMPARE(p.gpus[1].index, 1);
        QCOMPARE(p.gpus[1].arch, std::string("sm_90"));
        QCOMPARE(p.gpus[1].memoryGiB, 80.0);
    }
    void parseGarbage()
    {
        QVERIFY(!parseProbeOutput("").ok);
        QVERIFY(!parseProbeOutput("Traceback ...\n").ok);
        QVERIFY(!parseProbeOutput("{not json\n").ok);
        QVERIFY(!parseProbeOutput("[1, 2]\n").ok);
        auto p = parseProbeOutput(R"({"ok": true})");
        QVERIFY(!p.ok); // no torch version: not usable
    }
    void failureReasons()
    {
        bool torch = false;
        auto r = probeFailureReason("Traceback (most recent call last):\n  File ...\n"
                                    "ModuleNotFoundError: No module named 'torch'\n",
                                    &torch);
        QVERIFY(torch);
        QVERIFY(r.find("cannot import torch") != std::string::npos);
        r = probeFailureReason("/usr/bin/python3: No module named kernelwatch_eval.probe\n", &torch);
        QVERIFY(!torch);
        QVERIFY(r.find("kernelwatch_eval") != std::string::npos);
        r = probeFailureReason("ImportError: libcudart.so.12: cannot open shared object file\n", &torch);
        QCOMPARE(r, std::string("ImportError: libcudart.so.12: cannot open shared object file"));
    }
    void noTorchMessage()
    {
        PythonProbe a, b;
        a.torchMissing = b.torchMissing = true;
        a.error = b.error = "cannot import torch";
        const auto msg =
            noPythonMessage({{"python3 (/root/.pyenv/shims/python3)", a}, {"/usr/bin/python3", b}});
        QCOMPARE(msg, std::string(
                          "none of python3 (/root/.pyenv/shims/python3), /usr/bin/python3 can import torch: "
                          "install python3-torch (sudo apt install python3-torch) or pass --python PATH"));
        PythonProbe c;
        c.error = "not installed";
        const auto mixed = noPythonMessage({{"python3 (/x/python3)", a}, {"/usr/bin/python3", c}});
        QVERIFY2(mixed.find("/usr/bin/python3: not installed") != std::string::npos, mixed.c_str());
        QVERIFY2(mixed.find("--python PATH") != std::string::npos, mixed.c_str());
    }

    // ---- against real interpreters
    void preferredThatDoesNotExist()
    {
        auto p = findPython("/nonexistent/bin/python3", qgetenv("KERNELWATCH_EVALUATOR_DIR").toStdString());
        QVERIFY(!p.ok);
        QVERIFY2(p.error.find("/nonexistent/bin/python3") != std::string::npos, p.error.c_str());
    }
    void noneCanImportTorch()
    {
        // The fake evaluator's probe fails like an interpreter without torch, for every candidate.
        const std::string dir = qgetenv("KW_TEST_FIXTURES").toStdString() + "/fake_zygote";
        qputenv("KW_FAKE_NO_TORCH", "1");
        auto p = findPython("", dir);
        qunsetenv("KW_FAKE_NO_TORCH");
        QVERIFY(!p.ok);
        QVERIFY(p.torchMissing);
        QVERIFY2(
            p.error.find("can import torch: install python3-torch (sudo apt install python3-torch) or pass "
                         "--python PATH") != std::string::npos,
            p.error.c_str());
        QVERIFY2(p.error.find("/usr/bin/python3") != std::string::npos ||
                     ::access("/usr/bin/python3", X_OK) != 0,
                 p.error.c_str());
    }
    void findsAPythonWithTorch()
    {
        const std::string dir = qgetenv("KERNELWATCH_EVALUATOR_DIR").toStdString();
        if (dir.empty())
            QSKIP("KERNELWATCH_EVALUATOR_DIR is not set");
        auto p = findPython("", dir);
        if (!p.ok)
            QSKIP(qPrintable(QString::fromStdString("no Python with torch here: " + p.error)));
        QVERIFY(!p.torchVersion.empty());
        QVERIFY(!p.path.empty());
        // The probe names an interpreter that can be started as given.
        auto again = probePython(p.path, dir);
        QVERIFY2(again.ok, again.error.c_str());
        QCOMPARE(again.torchVersion, p.torchVersion);
    }
    void stopFlagKillsTheProbe()
    {
        // An interpreter that never answers: the probe would wait its whole timeout.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string python = dir.filePath(QStringLiteral("hanging-python")).toStdString();
        {
            std::ofstream f(python);
            f << "#!/bin/sh\nexec sleep 3600\n";
        }
        QVERIFY(::chmod(python.c_str(), 0755) == 0);
        std::atomic<bool> stop{false};
        std::thread setter([&stop] {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            stop = true;
        });
        QElapsedTimer t;
        t.start();
        const PythonProbe p = findPython(python, dir.path().toStdString(), &stop);
        const qint64 ms = t.elapsed();
        setter.join();
        QVERIFY2(ms >= 400 && ms < 1500, qPrintable(QString::number(ms)));
        QVERIFY(!p.ok);
        QVERIFY2(p.error.find("stopped before it finished") != std::string::npos, p.error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPythonFinder)
#include "tst_python_finder.moc"
