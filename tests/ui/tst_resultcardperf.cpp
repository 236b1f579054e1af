// The result card (Submit and the details pane) on issue 17's fields: the torch.compile baseline
// (measured, failed), % of speed of light with its bound and peaks, why it is absent on a CPU, and
// a result rejected as faster than light.
#include "core/model/EvalResult.h"
#include "ui/widgets/ResultCard.h"

#include <QLabel>
#include <QtTest>

using namespace kw;
using namespace kw::ui;

namespace {
EvalResult gpuResult()
{
    EvalResult r;
    r.status = EvalStatus::Correct;
    r.compiled = r.correctness = true;
    r.runtimeMs = 0.0912;
    r.baselineRuntimeMs = 0.232;
    r.speedup = 0.232 / 0.0912;
    r.speedupCi = SpeedupInterval{2.52, 2.57};
    r.device = {"NVIDIA H100 80GB HBM3", "sm_90", "cuda:0"};
    BaselineTiming eager;
    eager.name = "eager";
    eager.runtimeMs = 0.232;
    eager.speedup = r.speedup;
    eager.speedupCi = r.speedupCi;
    BaselineTiming compile;
    compile.name = "compile";
    compile.mode = "default";
    compile.runtimeMs = 0.126;
    compile.speedup = 0.126 / 0.0912;
    compile.speedupCi = SpeedupInterval{1.36, 1.40};
    compile.compileS = 38.4;
    r.baselines = {eager, compile};
    SpeedOfLight sol;
    sol.device = "NVIDIA H100 80GB HBM3";
    sol.precision = "fp32";
    sol.bound = "memory";
    sol.peaks = "NVIDIA H100 SXM5 (datasheet)";
    sol.bytes = 268435456;
    sol.flops = 33554432;
    sol.flopsEstimated = true;
    sol.peakBytesPerS = 3.35e12;
    sol.peakFlopsPerS = 67e12;
    sol.timeMs = 0.0801;
    sol.floorMs = 0.0801;
    sol.percent = 87.8;
    r.sol = sol;
    return r;
}
} // namespace

class TestResultCardPerf : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void compileBaselineMeasured()
    {
        ResultCard card;
        card.showResult(gpuResult());
        const QString c = card.compileText();
        QVERIFY2(c.contains(QStringLiteral("1.38×")) && c.contains(QStringLiteral("(1.36–1.40)")) &&
                     c.contains(QStringLiteral("default")) && c.contains(QStringLiteral("0.126 ms")) &&
                     c.contains(QStringLiteral("compiled in 38 s, not timed")),
                 qPrintable(c));
        EvalResult cached = gpuResult();
        cached.baselines[1].compileS = 0.6;
        cached.baselines[1].cacheHit = true;
        card.showResult(cached);
        QVERIFY2(card.compileText().contains(QStringLiteral("from the compile cache")),
                 qPrintable(card.compileText()));
        // Eager only: no compile row.
        EvalResult eagerOnly = gpuResult();
        eagerOnly.baselines.pop_back();
        card.showResult(eagerOnly);
        QVERIFY(card.compileText().isEmpty());
    }

    void compileBaselineFailed()
    {
        EvalResult r = gpuResult();
        r.baselines[1] = BaselineTiming{};
        r.baselines[1].name = "compile";
        r.baselines[1].mode = "max-autotune-no-cudagraphs";
        r.baselines[1].error = "torch.compile failed: InductorError: no lowering for aten.cumprod";
        ResultCard card;
        card.showResult(r);
        QCOMPARE(
            card.compileText(),
            QStringLiteral("compile baseline failed: torch.compile failed: InductorError: no lowering for "
                           "aten.cumprod"));
        // The eager speedup still heads the card.
        QVERIFY(card.speedupText().startsWith(QStringLiteral("2.54×")));
    }

    void speedOfLight()
    {
        ResultCard card;
        card.showResult(gpuResult());
        const QString s = card.solText();
        QVERIFY2(s.contains(QStringLiteral("87.8 % of speed of light, memory-bound")) &&
                     s.contains(QStringLiteral("least time 0.080 ms: 268 MB")) &&
                     s.contains(QStringLiteral("268 MB at 3.35 TB/s")) &&
                     s.contains(QStringLiteral("67.0 TFLOP/s fp32")) &&
                     s.contains(QStringLiteral("NVIDIA H100 SXM5 (datasheet)")) &&
                     s.contains(QStringLiteral("FLOPs estimated")),
                 qPrintable(s));
    }

    void solUnavailableOnCpu()
    {
        EvalResult r = gpuResult();
        r.sol.reset();
        r.baselines.resize(1);
        r.device = {"cpu (x86_64, 16 threads)", "cpu", "cpu"};
        ResultCard card;
        card.showResult(r);
        QCOMPARE(card.solText(),
                 QStringLiteral("not available: speed of light needs a GPU with known peaks"));
        // The evaluator's own reason wins.
        r.sol = SpeedOfLight{};
        r.sol->unavailable = "GPU 'NVIDIA GeForce GTX 1080' is not in the peaks table";
        card.showResult(r);
        QCOMPARE(card.solText(),
                 QStringLiteral("not available: GPU 'NVIDIA GeForce GTX 1080' is not in the peaks table"));
        // A GPU result stored before issue 17 has no row at all.
        EvalResult old = gpuResult();
        old.sol.reset();
        card.showResult(old);
        QVERIFY(card.solText().isEmpty());
    }

    void fasterThanLightExplained()
    {
        EvalResult r = gpuResult();
        r.status = EvalStatus::Rejected;
        r.cheated = true;
        r.runtimeMs = 0.0092;
        r.speedup = 0.232 / 0.0092;
        r.speedupCi.reset();
        r.flags = {std::string(kFasterThanLightFlag)};
        r.errorMessage = "faster_than_light: median 0.0092 ms is below 0.8 x the floor 0.0801 ms";
        ResultCard card;
        card.showResult(r);
        QCOMPARE(card.badgeText(), QStringLiteral("REJECTED"));
        const QString note = card.speedupNote();
        QVERIFY2(note.contains(QStringLiteral("faster than light")) &&
                     note.contains(QStringLiteral("9.2 µs")) && note.contains(QStringLiteral("0.080 ms")) &&
                     note.contains(QStringLiteral("no speedup is counted")),
                 qPrintable(note));
        QVERIFY(!card.speedupShownAsWin());
    }
};

QTEST_MAIN(TestResultCardPerf)
#include "tst_resultcardperf.moc"
