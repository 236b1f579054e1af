// The evaluation workflow every front end shares (core/usecase/EvalSession): one admission with
// one set of words, evaluator construction from one settings model, record-before-report. The CLI
// and the Submit panel refuse the same kernel with the same sentence; a batch records it instead.
#include "core/local/LocalBackend.h"
#include "core/local/MemoryCap.h"
#include "core/model/HistoryStore.h"
#include "core/usecase/EvalSession.h"

#include "tests/CliTestUtils.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace kw;

namespace {

const std::string kRef =
    "import torch\nclass Model(torch.nn.Module):\n    def forward(self, x):\n        return x\n"
    "def get_inputs():\n    return [torch.randn(4)]\ndef get_init_inputs():\n    return []\n";

EvalRequest request(const std::string& ref, const std::string& kernel)
{
    EvalRequest r;
    r.id = "t1";
    r.refCode = ref;
    r.kernelCode = kernel;
    r.device = "cpu";
    return r;
}

// KernelBench level1/23_Softmax.py, verbatim (ScalingIntelligence/KernelBench 423217d): 4096 x
// 393216 fp32 inputs, 6 GiB.
std::string softmaxProblem()
{
    QFile f(kwtest::sourceDir() + QStringLiteral("/tests/fixtures/problems/kb_level1_23_Softmax.py"));
    return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
}

const std::string kSoftmaxKernel = "import torch\nclass ModelNew(torch.nn.Module):\n"
                                   "    def forward(self, x):\n        return torch.softmax(x, dim=1)\n";

// What the probe measures of 23_Softmax at fp32 (tests/python/test_failures.py checks the same
// numbers through the probe itself).
InputSizes softmaxSizes()
{
    return parseInputSizes(nlohmann::json::parse(R"({"status": "probed", "sizes": {
        "input_bytes": 6442450944, "output_bytes": 6442450944, "param_bytes": 0, "buffer_bytes": 0,
        "batch_size": 4096, "scalable": true, "inputs_scaled": null,
        "inputs": [{"shape": [4096, 393216], "dtype": "float32", "bytes": 6442450944}],
        "compare_bytes": 77309411328, "estimated_peak_bytes": 115964116992,
        "estimate_rule": "4 x inputs + 2 x (parameters + buffers) + 2 x outputs + 6 x outputs in float64"}})"));
}

} // namespace

class TestEvalSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void admission()
    {
        const auto noModelNew = request(kRef, "import torch\nclass Candidate: pass\n");
        const std::string words = admitRequest(noModelNew, "ref.py", "k.py", AdmissionMode::Interactive);
        QVERIFY2(words.find("ModelNew") != std::string::npos, words.c_str());
        QVERIFY2(words.find("k.py") != std::string::npos, words.c_str());
        // A batch (training-style) records the format failure instead of refusing it.
        QCOMPARE(admitRequest(noModelNew, "ref.py", "k.py", AdmissionMode::Batch), std::string());
        // An empty kernel / reference: the same words wherever they come from.
        QVERIFY(admitRequest(request(kRef, "  \n"), "r", "k", AdmissionMode::Interactive)
                    .find("The kernel is empty") == 0);
        for (auto mode : {AdmissionMode::Interactive, AdmissionMode::Batch})
            QVERIFY(admitRequest(request("", "class ModelNew: pass"), "r", "k", mode)
                        .find("The reference is empty") == 0);
        // A good pair is admitted.
        QCOMPARE(admitRequest(request(kRef, "import torch\nclass ModelNew(torch.nn.Module):\n    pass\n"),
                              "r", "k", AdmissionMode::Interactive),
                 std::string());
    }

    void construction()
    {
        std::string error;
        EvaluatorSettings s;
        s.target = "modal"; // no endpoint configured
        QVERIFY(!makeEvaluator(s, error));
        QVERIFY2(!error.empty(), "a Modal target without an endpoint says what to do");
        s.target = "elsewhere";
        QVERIFY(!makeEvaluator(s, error));
        QVERIFY(error.find("local or modal") != std::string::npos);
        s.target = "local";
        auto local = makeEvaluator(s, error);
        QVERIFY(local);
        QVERIFY(!local->started()); // started by start(), off the UI thread, never by construction
    }

    void recordBeforeReport()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        EvalResult r = EvalResult::infraError(request(kRef, "x"), "cancelled");
        std::string err;
        QVERIFY(recordResult(&store, r, &err));
        QVERIFY(store.contains(r.id));
        QVERIFY(recordResult(nullptr, r, &err)); // nothing to store in
    }

    void baselineChoices()
    {
        std::string error;
        QCOMPARE(parseBaselineChoice("eager", error), std::optional(BaselineChoice::Eager));
        QCOMPARE(parseBaselineChoice("compile", error), std::optional(BaselineChoice::Compile));
        QCOMPARE(parseBaselineChoice("both", error), std::optional(BaselineChoice::Both));
        QVERIFY(error.empty());
        QVERIFY(!parseBaselineChoice("inductor", error));
        QVERIFY2(error.find("unknown baseline 'inductor'") != std::string::npos &&
                     error.find("both") != std::string::npos,
                 error.c_str());
        QCOMPARE(baselinesFor(BaselineChoice::Eager), std::vector<std::string>{"eager"});
        QCOMPARE(baselinesFor(BaselineChoice::Compile), (std::vector<std::string>{"eager", "compile"}));
        QCOMPARE(baselinesFor(BaselineChoice::Both), (std::vector<std::string>{"eager", "compile"}));

        // Admission refuses an unknown compile mode or baseline with the words that say what to use.
        EvalRequest r = request(kRef, "import torch\nclass ModelNew(torch.nn.Module):\n    pass\n");
        r.baselines = baselinesFor(BaselineChoice::Both);
        r.compileMode = "max-autotune-no-cudagraphs";
        QCOMPARE(admitRequest(r, "r", "k", AdmissionMode::Interactive), std::string());
        r.compileMode = "reduce-overhead";
        QCOMPARE(
            admitRequest(r, "r", "k", AdmissionMode::Interactive),
            std::string("unknown compile mode 'reduce-overhead': use default or max-autotune-no-cudagraphs"));
        r.compileMode = "default";
        r.baselines = {"eager", "cudagraphs"};
        QVERIFY(admitRequest(r, "r", "k", AdmissionMode::Batch).find("unknown baseline 'cudagraphs'") !=
                std::string::npos);
    }

    // The CLI's --baseline and --compile-mode: bad values are usage errors (exit 2) with the words
    // of the shared checks, before anything runs.
    void cliValidatesBaselineOptions()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        QTemporaryDir dir;
        auto run = [&](const QStringList& extra) {
            QProcess p;
            p.start(cli, QStringList{QStringLiteral("eval"), QStringLiteral("--ref"), QStringLiteral("r.py"),
                                     QStringLiteral("--kernel"), QStringLiteral("k.py"),
                                     QStringLiteral("--db"), dir.filePath(QStringLiteral("h.sqlite"))} +
                             extra);
            p.waitForFinished(60000);
            return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAllStandardError()));
        };
        auto [code, err] = run({QStringLiteral("--baseline"), QStringLiteral("fastest")});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains(QStringLiteral("unknown baseline 'fastest': use eager")), qPrintable(err));
        std::tie(code, err) = run({QStringLiteral("--baseline"), QStringLiteral("both"),
                                   QStringLiteral("--compile-mode"), QStringLiteral("max")});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains(QString::fromStdString(checkCompileMode("max"))), qPrintable(err));
        std::tie(code, err) = run({QStringLiteral("--compile-mode"), QStringLiteral("default")});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains(QStringLiteral("add --baseline compile")), qPrintable(err));
        // Good options get as far as the missing files.
        std::tie(code, err) =
            run({QStringLiteral("--baseline"), QStringLiteral("compile"), QStringLiteral("--compile-mode"),
                 QStringLiteral("max-autotune-no-cudagraphs")});
        QCOMPARE(code, 2);
        QVERIFY2(!err.contains(QStringLiteral("baseline")) && !err.contains(QStringLiteral("compile mode")),
                 qPrintable(err));
    }

    void cliRefusesWithTheSameWords()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        QTemporaryDir dir;
        auto write = [&](const char* name, const std::string& text) {
            QFile f(dir.filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text.data(), qint64(text.size()));
        };
        write("ref.py", kRef);
        write("k.py", "import torch\nclass Candidate: pass\n");
        QProcess p;
        p.setProcessEnvironment([&] {
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("HOME"), dir.path());
            env.insert(QStringLiteral("XDG_DATA_HOME"), dir.path());
            return env;
        }());
        p.start(cli, {QStringLiteral("eval"), QStringLiteral("--ref"), dir.filePath(QStringLiteral("ref.py")),
                      QStringLiteral("--kernel"), dir.filePath(QStringLiteral("k.py")),
                      QStringLiteral("--db"), dir.filePath(QStringLiteral("h.sqlite"))});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        const std::string expected =
            admitRequest(request(kRef, "import torch\nclass Candidate: pass\n"),
                         dir.filePath(QStringLiteral("ref.py")).toStdString(),
                         dir.filePath(QStringLiteral("k.py")).toStdString(), AdmissionMode::Interactive);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains(QByteArray::fromStdString(expected)), err.constData());
    }

    void memoryCapResolution()
    {
        QCOMPARE(resolveMemoryCap(4096, std::string("100"), 16 << 20).mb, 4096); // the option wins
        const MemoryCap env = resolveMemoryCap(-1, std::string("2048"), 16 << 20);
        QCOMPARE(env.mb, 2048);
        QCOMPARE(env.describe(),
                 std::string("the evaluator's memory cap of 2.0 GiB (KERNELWATCH_MEM_LIMIT_MB=2048)"));
        const MemoryCap def = resolveMemoryCap(-1, std::nullopt, 16LL << 20); // 16 GiB of RAM
        QCOMPARE(def.mb, 8192);
        QVERIFY(def.describe().find("half of RAM") != std::string::npos);
        const MemoryCap bad = resolveMemoryCap(-1, std::string("lots"), 16LL << 20);
        QCOMPARE(bad.mb, 8192);
        QVERIFY(bad.error.find("not a number") != std::string::npos);
        QCOMPARE(resolveMemoryCap(0, std::nullopt, 1).mb, 0); // 0: no cap
    }

    void sizeCheckNamesTheCapAndOffersScaling()
    {
        MemoryBudget cpu;
        cpu.bytes = 2048LL << 20;
        cpu.what = "the evaluator's memory cap of 2.0 GiB (KERNELWATCH_MEM_LIMIT_MB=2048)";
        cpu.name = "the memory cap";
        cpu.raise = "raise it with KERNELWATCH_MEM_LIMIT_MB";
        const SizeCheck c = judgeSizes(softmaxSizes(), cpu);
        QVERIFY2(
            c.line.find("inputs 6.0 GiB (4096×393216 float32), outputs 6.0 GiB, estimated peak 108.0 GiB") !=
                std::string::npos,
            c.line.c_str());
        // First what happened and what to do, plainly; how it was estimated only in the details.
        QVERIFY2(c.problem.rfind(
                     "Not run: this problem needs about 108.0 GiB of memory; the memory cap is 2.0 GiB. "
                     "Try batch_size 32 instead of 4096 (",
                     0) == 0,
                 c.problem.c_str());
        QVERIFY2(c.problem.find("raise it with KERNELWATCH_MEM_LIMIT_MB.") != std::string::npos,
                 c.problem.c_str());
        QVERIFY2(c.problem.find("4 x inputs") == std::string::npos, c.problem.c_str());
        QVERIFY2(
            c.details.rfind("estimated peak 108.0 GiB (inputs 6.0 GiB, outputs 6.0 GiB; 4 x inputs", 0) == 0,
            c.details.c_str());
        QVERIFY2(c.details.find(
                     "available: the evaluator's memory cap of 2.0 GiB (KERNELWATCH_MEM_LIMIT_MB=2048)") !=
                     std::string::npos,
                 c.details.c_str());
        // 27 MiB per batch row (4 input + 2 output copies of 1.5 MiB, 6 float64 copies of the output
        // of 3 MiB); 60 % of 2 GiB holds 45: 32.
        QCOMPARE(c.suggestedBatchSize.value_or(0), 32);
        QVERIFY(c.problem.find("kernelwatch-cli --input-batch-size 32") != std::string::npos);
        const EvalResult refused = sizeRefusal(request(kRef, "x"), c);
        QCOMPARE(refused.errorMessage, c.problem + "\n\nDetails: " + c.details);
        QCOMPARE(refused.status, EvalStatus::InfraError);
        QCOMPARE(refused.metadata.value("error_kind", ""), std::string("setup"));
        QCOMPARE(refused.metadata["size_check"].value("suggested_batch_size", 0), 32);
        QVERIFY(!refused.isCancelled());

        // Enough memory: runs, nothing offered.
        cpu.bytes = 128LL << 30;
        QVERIFY(judgeSizes(softmaxSizes(), cpu).problem.empty());
        // A GPU too small: no CPU scaling offered, the GPU named.
        MemoryBudget gpu;
        gpu.gpu = true;
        gpu.bytes = 8LL << 30; // inputs and outputs alone (12 GiB) cannot be there at once
        gpu.what = "the memory of cuda:0 (a GPU of 8.0 GiB)";
        gpu.name = "the memory of cuda:0";
        gpu.raise = "pick a GPU with more memory";
        const SizeCheck g = judgeSizes(softmaxSizes(), gpu);
        QCOMPARE(g.problem,
                 std::string("Not run: this problem's inputs, outputs and parameters alone need 12.0 GiB; "
                             "the memory of cuda:0 is 8.0 GiB. To run it, pick a GPU with more memory."));
        QVERIFY2(g.details.find("available: the memory of cuda:0 (a GPU of 8.0 GiB)") != std::string::npos,
                 g.details.c_str());
        QVERIFY(!g.suggestedBatchSize);
        // An estimate over a GPU's memory (80 GiB) warns and runs: it was measured on the CPU.
        gpu.bytes = 80LL << 30;
        const SizeCheck h = judgeSizes(softmaxSizes(), gpu);
        QVERIFY(h.problem.empty());
        QVERIFY(h.line.find("may run out of memory (running anyway)") != std::string::npos);
        // Nothing measured: nothing refused.
        InputSizes unknown;
        unknown.error = "size probe failed at get_inputs(): RuntimeError";
        QVERIFY(judgeSizes(unknown, cpu).problem.empty());
    }

    void realProbeOfKernelBenchSoftmax()
    {
        // The real probe op, through LocalBackend's probe zygote, on this machine's CPU.
        if (!kwtest::torchPython())
            QSKIP("/usr/bin/python3 cannot import torch: the size probe needs it");
        QTemporaryDir dir;
        LocalConfig lc;
        lc.python = "/usr/bin/python3";
        lc.devices = {"cpu"};
        lc.cacheDir = dir.filePath(QStringLiteral("cache")).toStdString();
        lc.memLimitMb = 2048;
        LocalBackend backend(lc);
        EvalRequest r = request(softmaxProblem(), kSoftmaxKernel);
        QVERIFY(!r.refCode.empty());
        const SizeCheck c = checkSizes(backend, r);
        QVERIFY2(c.sizes.probed, c.line.c_str());
        QCOMPARE(c.sizes.inputBytes, 6442450944LL);
        QCOMPARE(c.sizes.outputBytes.value_or(0), 6442450944LL);
        QVERIFY2(
            c.problem.rfind(
                "Not run: this problem needs about 108.0 GiB of memory; the memory cap is 2.0 GiB.", 0) == 0,
            c.problem.c_str());
        QVERIFY2(c.details.find("available: the evaluator's memory cap of 2.0 GiB (--mem-limit-mb=2048)") !=
                     std::string::npos,
                 c.details.c_str());
        QCOMPARE(c.suggestedBatchSize.value_or(0), 32);
        // The scaled request fits, and says so.
        r.inputBatchSize = *c.suggestedBatchSize;
        const SizeCheck s = checkSizes(backend, r);
        QVERIFY2(s.problem.empty(), s.problem.c_str());
        QCOMPARE(s.sizes.inputBytes, 32LL * 393216 * 4);
        QVERIFY2(s.line.find("inputs scaled (batch_size 4096 → 32)") != std::string::npos, s.line.c_str());
    }

    void cliPrintsTheCheckAndRefusesWithTheSameWords()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        if (!kwtest::torchPython())
            QSKIP("/usr/bin/python3 cannot import torch: the size probe needs it");
        QTemporaryDir dir;
        const QString ref =
            kwtest::sourceDir() + QStringLiteral("/tests/fixtures/problems/kb_level1_23_Softmax.py");
        QFile k(dir.filePath(QStringLiteral("k.py")));
        QVERIFY(k.open(QIODevice::WriteOnly));
        k.write(kSoftmaxKernel.data(), qint64(kSoftmaxKernel.size()));
        k.close();
        QProcess p;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), dir.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.path());
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.path());
        env.insert(QStringLiteral("KERNELWATCH_MEM_LIMIT_MB"), QStringLiteral("2048"));
        p.setProcessEnvironment(env);
        const QString db = dir.filePath(QStringLiteral("h.sqlite"));
        p.start(cli,
                {QStringLiteral("eval"), QStringLiteral("--ref"), ref, QStringLiteral("--kernel"),
                 k.fileName(), QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--python"),
                 QStringLiteral("/usr/bin/python3"), QStringLiteral("--db"), db});
        QVERIFY(p.waitForFinished(180000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitCode(), 3);
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(out.startsWith("infra_error (not run: too large)"), out.constData());
        QVERIFY2(err.contains("Pre-run check: inputs 6.0 GiB (4096×393216 float32), outputs 6.0 GiB"),
                 err.constData());
        // The use case's words (the GUI's): what happened, the scaled try, how to raise the cap; then
        // the estimate and the cap's source as details.
        QVERIFY2(err.contains(
                     "kernelwatch-cli: Not run: this problem needs about 108.0 GiB of memory; the memory cap "
                     "is 2.0 GiB. Try batch_size 32 instead of 4096 (scaled-down inputs, kernelwatch-cli "
                     "--input-batch-size 32;"),
                 err.constData());
        QVERIFY2(err.contains("raise it in Settings (Memory cap), with KERNELWATCH_MEM_LIMIT_MB or "
                              "kernelwatch-cli --mem-limit-mb"),
                 err.constData());
        QVERIFY2(err.contains(
                     "\n\nDetails: estimated peak 108.0 GiB (inputs 6.0 GiB, outputs 6.0 GiB; 4 x inputs"),
                 err.constData());
        QVERIFY2(
            err.contains("available: the evaluator's memory cap of 2.0 GiB (KERNELWATCH_MEM_LIMIT_MB=2048)."),
            err.constData());
        // Recorded as a setup error, not the kernel's.
        HistoryStore store(db.toStdString());
        const auto rows = store.results({});
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].metadata.value("error_kind", ""), std::string("setup"));
        // ...and the history table says so too, not "infra_error".
        QProcess h;
        h.setProcessEnvironment(env);
        h.start(cli, {QStringLiteral("history"), QStringLiteral("--db"), db});
        QVERIFY(h.waitForFinished(30000));
        const QByteArray table = h.readAllStandardOutput();
        QVERIFY2(table.contains("not run: too large") && !table.contains("infra_error"), table.constData());
    }
};

QTEST_GUILESS_MAIN(TestEvalSession)
#include "tst_eval_session.moc"
