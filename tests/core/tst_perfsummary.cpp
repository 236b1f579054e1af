// The one-line performance texts shared by the CLI and the GUI (core/PerfSummary): each
// baseline's time and speedup with its interval, compile time or cache hit, % of speed of light
// or why it is unavailable, and the faster_than_light rejection.
#include "core/model/PerfSummary.h"

#include <QTest>

using namespace kw;

namespace {
BaselineTiming compileBaseline()
{
    BaselineTiming c;
    c.name = "compile";
    c.mode = "max-autotune-no-cudagraphs";
    c.runtimeMs = 0.031;
    c.speedup = 0.82;
    c.speedupCi = SpeedupInterval{0.79, 0.85};
    c.compileS = 41.5;
    return c;
}

SpeedOfLight sol()
{
    SpeedOfLight s;
    s.device = "NVIDIA H100 80GB HBM3";
    s.precision = "fp32";
    s.bound = "memory";
    s.bytes = 33554432;
    s.flops = 4194304;
    s.timeMs = 0.0112;
    s.floorMs = 0.0100;
    s.percent = 71.8;
    s.peaks = "table H100 SXM; measured copy 3.0 TB/s";
    return s;
}
} // namespace

class TestPerfSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void baselines()
    {
        QCOMPARE(speedupText(1.42, SpeedupInterval{1.38, 1.47}), std::string("1.420x (95 % CI 1.380-1.470)"));
        QCOMPARE(speedupText(1.42, std::nullopt), std::string("1.420x (no interval)"));
        QCOMPARE(speedupText(std::nullopt, std::nullopt), std::string());

        BaselineTiming c = compileBaseline();
        QCOMPARE(baselineText(c),
                 std::string("torch.compile (max-autotune-no-cudagraphs) 0.031 ms: 0.820x (95 % CI "
                             "0.790-0.850); compiled in 41.5 s (not timed)"));
        c.cacheHit = true;
        c.compileS = 0.4;
        QVERIFY(baselineText(c).find("compiled reference from the cache (0.4 s to load)") !=
                std::string::npos);
        c.error = "torch.compile failed: no C compiler";
        QCOMPARE(baselineText(c), std::string("torch.compile (max-autotune-no-cudagraphs): not measured: "
                                              "torch.compile failed: no C compiler"));
        BaselineTiming e;
        e.name = "eager";
        e.runtimeMs = 0.054;
        e.speedup = 1.42;
        e.speedupCi = SpeedupInterval{1.38, 1.47};
        QCOMPARE(baselineText(e), std::string("eager PyTorch 0.054 ms: 1.420x (95 % CI 1.380-1.470)"));
    }

    void speedOfLight()
    {
        EvalResult r;
        r.status = EvalStatus::Correct;
        r.runtimeMs = 0.0156;
        r.sol = sol();
        const std::string text = speedOfLightText(r);
        QVERIFY2(
            text.rfind("72 % of speed of light (memory bound): floor 0.0112 ms for 33.6 MB and 4.19 MFLOP on "
                       "NVIDIA H100 80GB HBM3 at fp32; peaks: table H100 SXM",
                       0) == 0,
            text.c_str());
        r.sol->unavailable = "CPU device: no roofs";
        QCOMPARE(speedOfLightText(r), std::string("speed of light unavailable: CPU device: no roofs"));
        r.sol.reset(); // timed by an evaluator without the estimate
        QVERIFY(speedOfLightText(r).find("did not estimate it") != std::string::npos);
        r.runtimeMs.reset(); // not timed: nothing to say
        QCOMPARE(speedOfLightText(r), std::string());
    }

    void fasterThanLight()
    {
        EvalResult r;
        r.status = EvalStatus::Rejected;
        r.runtimeMs = 0.002;
        r.sol = sol();
        QCOMPARE(fasterThanLightText(r), std::string());
        r.flags = {std::string(kFasterThanLightFlag)};
        const std::string text = fasterThanLightText(r);
        QVERIFY2(text.find("rejected as faster than light") == 0 &&
                     text.find("(0.002 ms measured, floor 0.01 ms)") != std::string::npos,
                 text.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPerfSummary)
#include "tst_perfsummary.moc"
