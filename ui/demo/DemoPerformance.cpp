#include "ui/demo/DemoPerformance.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace kw::ui {

namespace {
constexpr double T = 1e12, G = 1e9;

struct Peaks
{
    const char* row;
    double fp32, bw;
};
// Datasheet peaks (dense), as the evaluator's table has them.
Peaks peaksOf(const std::string& device)
{
    if (device.find("A100") != std::string::npos)
        return {"NVIDIA A100 SXM4 80GB (datasheet)", 19.5 * T, 2039 * G};
    if (device.find("L40S") != std::string::npos)
        return {"NVIDIA L40S (datasheet)", 91.6 * T, 864 * G};
    return {"NVIDIA H100 SXM5 (datasheet)", 67 * T, 3.35 * T};
}

struct Work
{
    double bytes = 0, flops = 0;
    bool estimated = false;
};

// What the problem moves and computes, from its eager time on an H100 and a share of the speed
// of light that eager reaches there (stable per problem).
Work workOf(std::size_t problem, const std::string& name, double eagerMs)
{
    std::mt19937 r(static_cast<std::uint32_t>(problem * 104729 + 7));
    std::uniform_real_distribution<double> u(0, 1);
    const auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
    const bool compute = has("Matmul") || has("matrix_multiplication") || has("Gemm") || has("Conv") ||
                         has("level3/") || has("level4/");
    const bool counted = compute || has("vector") || has("diagonal");
    const Peaks h100 = peaksOf("H100");
    Work w;
    w.estimated = !counted;
    if (problem == 0) { // 2048³ fp32: 17.2 GFLOP, three 16.8 MB matrices
        w.flops = 2.0 * 2048 * 2048 * 2048;
        w.bytes = 3.0 * 2048 * 2048 * 4;
        return w;
    }
    if (compute) {
        const double share = 0.45 + 0.3 * u(r); // eager of a GEMM-heavy problem: near the compute roof
        const double intensity = has("level1/") ? 200 + 200 * u(r) : 30 + 150 * u(r);
        w.flops = share * eagerMs / 1000 * h100.fp32;
        w.bytes = w.flops / intensity;
    } else {
        const double share = 0.1 + 0.25 * u(r); // small elementwise and reductions: launch-bound
        w.bytes = share * eagerMs / 1000 * h100.bw;
        w.flops = w.bytes * (counted ? 0.25 : 0.125); // estimated: one op per 4-byte element in and out
    }
    return w;
}

SpeedOfLight solFor(const Work& w, const std::string& device, double runtimeMs)
{
    const Peaks p = peaksOf(device);
    SpeedOfLight s;
    s.device = device;
    s.precision = "fp32";
    s.flops = w.flops;
    s.bytes = w.bytes;
    s.flopsEstimated = w.estimated;
    s.peakFlopsPerS = p.fp32;
    s.peakBytesPerS = p.bw;
    s.peaks = std::string(p.row) + " · demo data";
    const double memMs = w.bytes / p.bw * 1000, computeMs = w.flops / p.fp32 * 1000;
    s.timeMs = std::max(memMs, computeMs);
    s.bound = memMs >= computeMs ? "memory" : "compute";
    s.floorMs = s.timeMs; // the demo's peaks are the generous ones
    s.percent = 100 * s.timeMs / runtimeMs;
    s.arithmeticIntensity = w.flops / w.bytes;
    s.achievedFlopsPerS = w.flops / (runtimeMs / 1000);
    s.achievedBytesPerS = w.bytes / (runtimeMs / 1000);
    return s;
}

SpeedupInterval around(double speedup, double halfWidth)
{
    return {speedup * (1 - halfWidth), speedup * (1 + halfWidth)};
}
} // namespace

double DemoPerformance::eagerMs(std::size_t problemIndex, double generated)
{
    return problemIndex == 0 ? 0.351 : generated;
}

void DemoPerformance::add(EvalResult& r, std::size_t problemIndex, const std::string& problem, double eagerMs,
                          std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    const bool gpu = r.device.arch.rfind("sm_", 0) == 0;
    const bool timed = r.runtimeMs.has_value() && r.speedup.has_value();
    const bool wantsCompile = u(rng) < 0.6;
    r.request.baselines =
        wantsCompile ? std::vector<std::string>{"eager", "compile"} : std::vector<std::string>{"eager"};
    r.request.compileMode = u(rng) < 0.8 ? "default" : "max-autotune-no-cudagraphs";
    if (!gpu || !timed)
        return;
    const Work w = workOf(problemIndex, problem, eagerMs);
    SpeedOfLight sol = solFor(w, r.device.name, *r.runtimeMs);
    if (r.status == EvalStatus::Correct && sol.percent > 92) {
        // A correct kernel reaches the roof, not beyond: the demo's speedup is capped there.
        const double cap = 0.92 - 0.1 * u(rng);
        r.runtimeMs = sol.timeMs / cap;
        r.speedup = eagerMs / *r.runtimeMs;
        if (r.runtimeStats) {
            const double k = *r.runtimeMs / r.runtimeStats->mean;
            r.runtimeStats->mean *= k;
            r.runtimeStats->median *= k;
            r.runtimeStats->std *= k;
            r.runtimeStats->min *= k;
            r.runtimeStats->max *= k;
        }
        sol = solFor(w, r.device.name, *r.runtimeMs);
    }
    if (r.status == EvalStatus::Rejected && *r.runtimeMs < 0.8 * sol.floorMs)
        r.flags.push_back(std::string(kFasterThanLightFlag));
    r.sol = sol;

    BaselineTiming eager;
    eager.name = "eager";
    eager.runtimeMs = eagerMs;
    eager.speedup = r.speedup;
    eager.stats = r.baselineStats;
    if (r.status == EvalStatus::Correct)
        r.speedupCi = around(*r.speedup, 0.005 + 0.04 * u(rng));
    eager.speedupCi = r.speedupCi;
    r.baselines.push_back(eager);
    if (!wantsCompile)
        return;
    BaselineTiming compile;
    compile.name = "compile";
    compile.mode = r.request.compileMode;
    if (u(rng) < 0.05) {
        compile.error = "torch.compile failed: InductorError: LoweringException: NotImplementedError: "
                        "aten.cumprod has no lowering";
        r.baselines.push_back(compile);
        return;
    }
    // torch.compile fuses elementwise chains (faster than eager) and leaves GEMMs to cuBLAS.
    std::mt19937 pr(static_cast<std::uint32_t>(problemIndex * 31 + 3));
    std::uniform_real_distribution<double> pu(0, 1);
    const double factor = w.estimated ? 0.45 + 0.4 * pu(pr) : 0.85 + 0.2 * pu(pr);
    const double compiledMs = std::max(eagerMs * factor, sol.timeMs / 0.9);
    compile.runtimeMs = compiledMs;
    compile.speedup = compiledMs / *r.runtimeMs;
    if (r.status == EvalStatus::Correct)
        compile.speedupCi = around(*compile.speedup, 0.005 + 0.04 * u(rng));
    compile.compileS = u(rng) < 0.7 ? 0.4 + u(rng) : 20 + 60 * u(rng);
    compile.cacheHit = *compile.compileS < 2;
    r.baselines.push_back(compile);
}

EvalResult DemoPerformance::swishSample(double when)
{
    EvalResult r;
    r.id = "demo-sample-swish-h100";
    r.status = EvalStatus::Correct;
    r.compiled = r.correctness = true;
    r.testsPassed = r.testsTotal = 5;
    const double eagerMs = 0.232, compileMs = 0.126, kernelMs = 0.0913;
    r.baselineRuntimeMs = eagerMs;
    r.runtimeMs = kernelMs;
    r.speedup = eagerMs / kernelMs;
    r.speedupCi = around(*r.speedup, 0.008);
    r.runtimeStats =
        RuntimeStats{kernelMs, kernelMs * 0.998, kernelMs * 0.006, kernelMs * 0.988, kernelMs * 1.03, 100};
    r.baselineStats =
        RuntimeStats{eagerMs, eagerMs * 0.999, eagerMs * 0.005, eagerMs * 0.99, eagerMs * 1.02, 100};
    r.timingQuality = TimingQuality{"reliable", {}, 100, 100, {}, 0, {}};
    r.metadata = {
        {"max_difference", 2.4e-7}, {"avg_difference", 1.1e-8}, {"backend", "cuda"}, {"precision", "fp32"}};
    r.device = {"NVIDIA H100 80GB HBM3", "sm_90", "cuda:0"};
    r.timings = {0.02, 0.4, 0.6, 2.1, 43.5};
    r.createdAt = when;
    r.finishedAt = when + r.timings.total;
    r.isolation = "setsid,pdeathsig,rlimits";
    EvalRequest& q = r.request;
    q.id = r.id;
    q.problem = "samples/swish";
    q.source = "submit";
    q.target = "local";
    q.device = "cuda:0";
    q.backend = "cuda";
    q.precision = "fp32";
    q.baselines = {"eager", "compile"};
    q.compileMode = "default";
    q.refCode = "import torch\nimport torch.nn as nn\n\n\nclass Model(nn.Module):\n"
                "    def forward(self, x):\n        return x * torch.sigmoid(x)\n\n\n"
                "def get_inputs():\n    return [torch.randn(4096, 8192)]\n\n\ndef get_init_inputs():\n    "
                "return []\n";
    q.kernelCode = "# CUDA load_inline candidate: resources/samples/swish_cuda.py\n";
    r.codeLength = static_cast<long long>(q.kernelCode.size());

    Work w;
    w.bytes = 2.0 * 4096 * 8192 * 4; // read x once, write y once: 268 MB
    w.flops = 4096.0 * 8192;         // estimated: the FLOP counter counts no elementwise op
    w.estimated = true;
    r.sol = solFor(w, r.device.name, kernelMs);

    BaselineTiming eager;
    eager.name = "eager";
    eager.runtimeMs = eagerMs;
    eager.speedup = r.speedup;
    eager.speedupCi = r.speedupCi;
    eager.stats = r.baselineStats;
    BaselineTiming compile;
    compile.name = "compile";
    compile.mode = "default";
    compile.runtimeMs = compileMs;
    compile.speedup = compileMs / kernelMs;
    compile.speedupCi = around(*compile.speedup, 0.009);
    compile.stats = RuntimeStats{compileMs,        compileMs * 0.999, compileMs * 0.004,
                                 compileMs * 0.99, compileMs * 1.02,  100};
    compile.compileS = 38.4;
    compile.cacheHit = false;
    r.baselines = {eager, compile};
    return r;
}

} // namespace kw::ui
