// Local evaluation overhead, side by side (issue 2's benchmark):
//  1. per evaluation, excluding compile and GPU work: a warm zygote fork vs a fresh interpreter
//     per kernel (python -m kernelwatch_eval.run_one), on a trivial PyTorch-only kernel;
//  2. a compile-cache hit end to end (after one cold load_inline build);
//  3. a batch of N distinct kernels: LocalBackend's pipeline (CPU builds ahead of the GPU stage)
//     vs a fresh process per kernel with no cache, serially.
//
//   bench_local_overhead [--device cpu|cuda:N] [--n N] [--reps R] [--batch-kind build|trivial]
//                        [--skip-cache] [--skip-batch] [--python PATH] [--source DIR]
//                        [--skip-overhead] [--skip-pipeline] [--serial-range A:B]
//                        [--compile-jobs J] [--cpu-slots S]
#include "core/base/ChildEnv.h"
#include "core/base/Paths.h"
#include "core/base/Subprocess.h"
#include "core/local/DevicePlan.h"
#include "core/local/LocalBackend.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace kw;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Options
{
    std::string device = "cpu";
    int n = 4;
    int reps = 5;
    std::string batchKind = "build";
    bool skipCache = false;
    bool skipBatch = false;
    bool skipOverhead = false;
    bool skipPipeline = false;
    int serialFrom = 0; // the serial method runs kernels [serialFrom, serialTo) of the batch
    int serialTo = -1;  // -1: to the end
    std::string python;
    std::string source;
    int compileJobs = 0;
    int cpuSlots = 2;
};

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string readFile(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string findSource(const std::string& given)
{
    std::vector<std::string> candidates;
    if (!given.empty())
        candidates.push_back(given);
    if (const char* e = std::getenv("KW_SOURCE_DIR"))
        candidates.push_back(e);
    candidates.push_back(fs::path(KW_SOURCE_EVALUATOR_DIR).parent_path().parent_path().string());
    candidates.push_back(fs::current_path().string());
    for (const auto& c : candidates)
        if (fs::exists(fs::path(c) / "resources" / "samples" / "relu_ref.py"))
            return c;
    return {};
}

// One fresh interpreter per kernel: python -m kernelwatch_eval.run_one < request.json
struct FreshRun
{
    EvalResult result;
    double wallS = 0;
    std::string error;
};

FreshRun runFresh(const std::string& python, const std::string& evaluatorDir, const std::string& cacheDir,
                  const EvalRequest& req, const std::string& device)
{
    FreshRun out;
    SpawnOptions o;
    o.argv = {python,
              "-m",
              "kernelwatch_eval.run_one",
              "--cache-dir",
              cacheDir,
              "--target",
              gpuIndexOf(device) >= 0 ? "cuda:0" : "cpu",
              "--timeout",
              std::to_string(req.timeoutS)};
    const int gpu = gpuIndexOf(device);
    const auto parent = childenv::get(childenv::current(), "CUDA_VISIBLE_DEVICES");
    o.env = childenv::forZygote(childenv::current(), evaluatorDir,
                                gpu >= 0 ? childenv::cudaVisibleFor(gpu, parent) : "");
    nlohmann::json j = req;
    j["device"] = gpu >= 0 ? "cuda:0" : "cpu";
    const auto t0 = Clock::now();
    auto r = runProgram(o, j.dump() + "\n", req.timeoutS + 120);
    out.wallS = since(t0);
    if (!r.startError.empty() || r.timedOut || !r.status.ok()) {
        out.error = r.startError.empty() ? (r.timedOut ? "timed out" : r.status.describe() + ": " + r.err)
                                         : r.startError;
        return out;
    }
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    if (!doc.is_object()) {
        out.error = "run_one printed no JSON";
        return out;
    }
    out.result = resultFromJson(doc);
    return out;
}

std::string statusOf(const EvalResult& r)
{
    return std::string(statusName(r.status));
}

void usage()
{
    std::fprintf(stderr,
                 "usage: bench_local_overhead [--device cpu|cuda:N] [--n N] [--reps R] "
                 "[--batch-kind build|trivial] [--skip-cache] [--skip-batch] [--python PATH] "
                 "[--source DIR] [--compile-jobs J] [--cpu-slots S] [--skip-overhead] "
                 "[--skip-pipeline] [--serial-range A:B]\n"
                 "  --serial-range A:B runs the serial fresh-process method on kernels A..B-1 only, so a\n"
                 "  long GPU batch can be measured over several runs (the serial total is the sum)\n");
}

} // namespace

int main(int argc, char** argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--device")
            opt.device = value();
        else if (a == "--n")
            opt.n = std::max(1, std::atoi(value().c_str()));
        else if (a == "--reps")
            opt.reps = std::max(1, std::atoi(value().c_str()));
        else if (a == "--batch-kind")
            opt.batchKind = value();
        else if (a == "--skip-cache")
            opt.skipCache = true;
        else if (a == "--skip-batch")
            opt.skipBatch = true;
        else if (a == "--skip-overhead")
            opt.skipOverhead = true;
        else if (a == "--skip-pipeline")
            opt.skipPipeline = true;
        else if (a == "--serial-range") {
            const std::string v = value();
            const auto colon = v.find(':');
            if (colon == std::string::npos) {
                usage();
                return 2;
            }
            opt.serialFrom = std::max(0, std::atoi(v.substr(0, colon).c_str()));
            opt.serialTo = std::atoi(v.substr(colon + 1).c_str());
        } else if (a == "--python")
            opt.python = value();
        else if (a == "--source")
            opt.source = value();
        else if (a == "--compile-jobs")
            opt.compileJobs = std::atoi(value().c_str());
        else if (a == "--cpu-slots")
            opt.cpuSlots = std::max(1, std::atoi(value().c_str()));
        else {
            usage();
            return 2;
        }
    }
    const bool gpu = gpuIndexOf(opt.device) >= 0;
    if (!gpu && opt.device != "cpu") {
        usage();
        return 2;
    }
    const std::string src = findSource(opt.source);
    if (src.empty()) {
        std::fprintf(stderr, "cannot find resources/samples: pass --source REPO_ROOT\n");
        return 2;
    }
    const fs::path root(src);
    const std::string evaluatorDir = (root / "resources" / "evaluator").string();
    const std::string relu = readFile(root / "resources" / "samples" / "relu_ref.py");
    const std::string reluKernel = readFile(root / "resources" / "samples" / "relu_kernel.py");
    // The build kernel: CUDA load_inline on a GPU, a C++ load_inline extension on the CPU.
    const std::string buildRef = gpu ? readFile(root / "resources" / "samples" / "swish_ref.py") : relu;
    const std::string buildKernel =
        gpu ? readFile(root / "resources" / "samples" / "swish_cuda.py")
            : readFile(root / "tests" / "fixtures" / "kernels" / "honest" / "relu_cpp.py");

    const fs::path work = fs::temp_directory_path() / ("kw-bench-" + std::to_string(::getpid()));
    fs::create_directories(work);

    PythonProbe probe = findPython(opt.python, evaluatorDir);
    if (!probe.ok) {
        std::fprintf(stderr, "%s\n", probe.error.c_str());
        return 3;
    }
    std::printf("kernelwatch local overhead bench: device %s, python %s (torch %s), %u cores\n",
                opt.device.c_str(), probe.path.c_str(), probe.torchVersion.c_str(),
                std::thread::hardware_concurrency());

    LocalConfig cfg;
    cfg.python = probe.path;
    cfg.evaluatorDir = evaluatorDir;
    cfg.cacheDir = (work / "cache-backend").string();
    cfg.devices = {opt.device};
    cfg.cpuConcurrency = gpu ? 1 : opt.cpuSlots;
    cfg.compileJobs = opt.compileJobs;
    auto t0 = Clock::now();
    LocalBackend backend(cfg);
    if (std::string err = backend.start(); !err.empty()) {
        std::fprintf(stderr, "start failed: %s\n", err.c_str());
        return 3;
    }
    std::printf("backend start (probe + zygotes ready): %.2f s  [%s]\n", since(t0),
                backend.describe().c_str());

    auto trivial = [&](int i) {
        EvalRequest r;
        r.refCode = relu;
        r.kernelCode = reluKernel + "\n# variant " + std::to_string(i) + "\n";
        r.device = opt.device;
        r.numCorrectTrials = 1;
        r.measurePerformance = false;
        r.timeoutS = 300;
        r.problem = "relu-trivial";
        return r;
    };

    // ---- 1. per-evaluation overhead, interleaved
    if (!opt.skipOverhead) {
        backend.evaluate(trivial(-1)); // warm-up (first fork, page cache)
        std::vector<double> zyg, fresh, freshChild, zygChild;
        for (int i = 0; i < opt.reps; ++i) {
            auto t = Clock::now();
            auto r = backend.evaluate(trivial(i));
            zyg.push_back(since(t));
            zygChild.push_back(r.timings.total);
            if (r.status != EvalStatus::Correct)
                std::printf("  zygote run %d: %s %s\n", i, statusOf(r).c_str(), r.errorMessage.c_str());
            auto f = runFresh(probe.path, evaluatorDir, (work / "cache-fresh-trivial").string(), trivial(i),
                              opt.device);
            if (!f.error.empty())
                std::printf("  fresh run %d failed: %s\n", i, f.error.c_str());
            fresh.push_back(f.wallS);
            freshChild.push_back(f.result.timings.total);
        }
        const double z = median(zyg), f = median(fresh);
        std::printf("\n[1] per-evaluation wall time, trivial PyTorch kernel, 1 correctness trial, no timing "
                    "(median of %d, interleaved)\n",
                    opt.reps);
        std::printf("    zygote fork (LocalBackend)      : %.3f s   (harness work inside: %.3f s)\n", z,
                    median(zygChild));
        std::printf("    fresh interpreter (run_one)     : %.3f s   (harness work inside: %.3f s)\n", f,
                    median(freshChild));
        std::printf("    ratio fresh / zygote            : %.1fx\n", z > 0 ? f / z : 0.0);
    }

    // ---- 2. cache hit end to end
    if (!opt.skipCache) {
        EvalRequest r;
        r.refCode = buildRef;
        r.kernelCode = buildKernel;
        r.device = opt.device;
        r.numCorrectTrials = 1;
        r.measurePerformance = false;
        r.timeoutS = 900;
        r.problem = "cache";
        auto t = Clock::now();
        auto cold = backend.evaluate(r);
        const double coldS = since(t);
        t = Clock::now();
        auto hit = backend.evaluate(r);
        const double hitS = since(t);
        std::printf("\n[2] compile cache (%s load_inline kernel)\n", gpu ? "CUDA" : "C++");
        std::printf("    cold build end to end           : %.2f s   (%s, compile %.2f s, cache_hit %s)\n",
                    coldS, statusOf(cold).c_str(), cold.timings.compile,
                    cold.metadata.value("cache_hit", false) ? "true" : "false");
        std::printf("    cache hit end to end            : %.2f s   (%s, compile %.2f s, cache_hit %s)\n",
                    hitS, statusOf(hit).c_str(), hit.timings.compile,
                    hit.metadata.value("cache_hit", false) ? "true" : "false");
        if (cold.status != EvalStatus::Correct)
            std::printf("    cold: %s\n", cold.errorMessage.substr(0, 400).c_str());
    }

    // ---- 3. batch of N distinct kernels
    if (!opt.skipBatch) {
        std::vector<EvalRequest> reqs;
        for (int i = 0; i < opt.n; ++i) {
            EvalRequest r;
            if (opt.batchKind == "trivial") {
                r = trivial(1000 + i);
                r.measurePerformance = true;
                r.numPerfTrials = 20;
                r.numCorrectTrials = 3;
            } else {
                r.refCode = buildRef;
                // A distinct source per kernel: a distinct cache key, so every build is cold.
                r.kernelCode = buildKernel + "\n# batch variant " + std::to_string(i) + " " +
                               std::to_string(::getpid()) + "\n";
                r.device = opt.device;
                r.numCorrectTrials = 3;
                r.numPerfTrials = 20;
                r.timeoutS = 900;
            }
            r.device = opt.device;
            r.problem = "batch-" + std::to_string(i);
            reqs.push_back(std::move(r));
        }
        const char* kind =
            opt.batchKind == "trivial" ? "PyTorch-only" : (gpu ? "CUDA load_inline" : "C++ load_inline");
        std::printf("\n[3] batch of %d distinct %s kernels on %s\n", opt.n, kind, opt.device.c_str());
        std::fflush(stdout);
        auto t = Clock::now();
        double pipeS = 0;
        if (!opt.skipPipeline) {
            auto results = backend.evaluateBatch(reqs);
            pipeS = since(t);
            int ok = 0;
            for (const auto& r : results)
                ok += r.status == EvalStatus::Correct;
            const std::string how = gpu ? std::string("builds on the CPU ahead of the GPU")
                                        : "cpu slots: " + std::to_string(cfg.cpuConcurrency);
            std::printf("    LocalBackend pipeline            : %.2f s  (%d/%d correct; %s)\n", pipeS, ok,
                        opt.n, how.c_str());
            std::fflush(stdout);
        }

        const int from = std::min(opt.serialFrom, opt.n);
        const int to = opt.serialTo < 0 ? opt.n : std::min(opt.serialTo, opt.n);
        t = Clock::now();
        int freshOk = 0;
        for (int i = from; i < to; ++i) {
            const std::string cache = (work / ("cache-serial-" + std::to_string(i))).string(); // no cache
            const auto ti = Clock::now();
            auto f = runFresh(probe.path, evaluatorDir, cache, reqs[std::size_t(i)], opt.device);
            freshOk += f.error.empty() && f.result.status == EvalStatus::Correct;
            std::printf("      serial %d: %.2f s %s\n", i, since(ti),
                        f.error.empty() ? statusOf(f.result).c_str() : f.error.substr(0, 300).c_str());
            std::fflush(stdout);
        }
        const double serialS = since(t);
        std::printf("    fresh process, no cache, serial  : %.2f s  (%d/%d correct; kernels %d..%d)\n",
                    serialS, freshOk, to - from, from, to - 1);
        if (pipeS > 0 && from == 0 && to == opt.n)
            std::printf("    ratio serial / pipeline          : %.2fx\n", serialS / pipeS);
    }

    std::error_code ec;
    fs::remove_all(work, ec);
    return 0;
}
