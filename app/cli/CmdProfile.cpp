// kernelwatch-cli profile: runs a candidate once more under Nsight Compute (ncu) on a local GPU
// and prints, per CUDA kernel, duration, throughput, occupancy, registers, shared memory and
// the limiter; the raw report is kept for Nsight Compute.
#include "app/cli/ArgParser.h"
#include "app/cli/CliSettings.h"
#include "app/cli/Command.h"
#include "app/cli/EvalOptions.h"
#include "core/model/SourceFile.h"
#include "core/profile/NcuFinder.h"
#include "core/profile/ProfileFormat.h"
#include "core/profile/ProfileRunner.h"
#include "core/profile/ProfileStore.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace kw::cli {
namespace {

using namespace kw::profile;

int exitFor(ProfileError e)
{
    switch (e) {
    case ProfileError::None:
        return ExitOk;
    case ProfileError::BadInput:
        return ExitUsage;
    case ProfileError::NcuMissing:
    case ProfileError::CountersNotPermitted:
    case ProfileError::NoGpu:
        return ExitInfra;
    default:
        return ExitFailure;
    }
}

std::string shortName(const std::string& name, std::size_t width)
{
    return name.size() <= width ? name : name.substr(0, width - 3) + "...";
}

void printTable(const ProfileReport& r)
{
    std::printf("profile of %s on %s (ncu %s), %.1f s\n",
                r.problem.empty() ? r.resultId.c_str() : r.problem.c_str(), r.device.c_str(),
                r.ncuVersion.empty() ? "?" : r.ncuVersion.c_str(), r.wallS);
    std::printf("%-44s %4s %11s %9s %9s %9s %5s %10s  %s\n", "kernel", "runs", "duration", "memory",
                "compute", "occupancy", "regs", "smem/block", "limiter");
    for (const auto& k : r.kernels())
        std::printf("%-44s %4d %11s %9s %9s %9s %5s %10s  %s\n", shortName(k.name, 44).c_str(), k.launches,
                    formatDuration(k.durationNs).c_str(), formatPercent(k.memoryPct).c_str(),
                    formatPercent(k.computePct).c_str(), formatPercent(k.achievedOccupancyPct).c_str(),
                    formatCount(k.registersPerThread).c_str(), formatBytes(k.sharedBytesPerBlock()).c_str(),
                    formatLimiter(k).c_str());
    std::printf(
        "memory / compute: %% of the GPU's peak throughput (Speed Of Light); duration: mean per launch\n");
    const std::string ui = findNcuUi(r.ncuPath, childenv::current());
    std::printf("report: %s\n%s %s\n", r.reportPath.c_str(),
                ui.empty() ? "open it in Nsight Compute (ncu-ui, not found here):" : "open it with:",
                (ui.empty() ? "ncu-ui " + r.reportPath : ui + " " + r.reportPath).c_str());
}

int runProfileCmd(const std::vector<std::string>& args)
{
    ArgParser p;
    p.option("ref", "FILE", "reference program (class Model, get_inputs, get_init_inputs)")
        .option("kernel", "FILE", "candidate program (class ModelNew)")
        .option("id", "RESULT_ID", "profile a stored result's code instead (see kernelwatch-cli history)")
        .option("device", "cuda:N", "GPU to profile on (default: the result's GPU, else cuda:0)")
        .option("backend", "cuda|triton", "the kernel's backend with --kernel (default cuda)")
        .option("precision", "fp32|fp16|bf16", "input precision with --kernel (default fp32)")
        .option("out", "DIR", "keep report.ncu-rep and profile.json here (default: the profile store)")
        .option("ncu", "PATH",
                "Nsight Compute's ncu (default: KERNELWATCH_NCU, PATH, CUDA_HOME, /usr/local/cuda)")
        .option("python", "PATH", "interpreter with torch (default: discovered, like eval)")
        .option("db", "PATH", "history store for --id (default ~/.local/share/kernelwatch/history.sqlite)")
        .option("timeout", "S", "hard limit for the profiled run (default 600)")
        .option("calls", "N", "candidate calls profiled (default 2; after 2 unprofiled warm-up calls)")
        .flag("no-sandbox", "run the candidate without the evaluator's Landlock sandbox")
        .flag("json", "print the profile as one JSON object")
        .flag("help", "show this help");
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli profile: %s (see kernelwatch-cli profile --help)\n",
                     p.error().c_str());
        return ExitUsage;
    }
    if (p.has("help")) {
        std::printf("usage: kernelwatch-cli profile --ref FILE --kernel FILE [options]\n"
                    "       kernelwatch-cli profile --id RESULT_ID [options]\n\n%s\n"
                    "Runs the candidate under Nsight Compute on a local GPU: 2 warm-up calls, then the "
                    "profiled calls inside the NVTX range kernelwatch_candidate.\nLimiter: %s\n",
                    p.helpText().c_str(), limiterExplanation("latency").c_str());
        return ExitOk;
    }
    ProfileOptions o;
    const AppSettings settings = resolveSettings(p); // --ncu, KERNELWATCH_NCU, the GUI's Settings ...
    o.ncu = settings.ncuPath.value;
    o.python = settings.python.value;
    o.sandbox = !p.has("no-sandbox");
    const auto timeout = p.has("timeout") ? p.doubleValue("timeout", 1, 86400) : std::optional<double>(600);
    const auto calls = p.has("calls") ? p.intValue("calls", 1, 1000) : std::optional<int>(2);
    if (!timeout || !calls) {
        std::fprintf(stderr, "kernelwatch-cli profile: %s\n", p.error().c_str());
        return ExitUsage;
    }
    o.timeoutS = *timeout;
    o.profiledCalls = *calls;

    const bool byId = p.has("id"), byFiles = p.has("ref") || p.has("kernel");
    if (byId == byFiles || (byFiles && (!p.has("ref") || !p.has("kernel")))) {
        std::fprintf(
            stderr, "kernelwatch-cli profile: give either --ref FILE and --kernel FILE, or --id RESULT_ID\n");
        return ExitUsage;
    }
    EvalRequest req;
    std::string error;
    if (byId) {
        const std::string id = *p.value("id");
        auto store = openStore(settings.historyPath.value);
        if (!store)
            return ExitInfra;
        const auto result = store->find(id);
        if (!result) {
            std::fprintf(
                stderr,
                "kernelwatch-cli profile: no result with id %s in the store (kernelwatch-cli history "
                "lists them)\n",
                id.c_str());
            return ExitUsage;
        }
        if (auto why = profileRefusal(*result); !why.empty()) {
            std::fprintf(stderr, "kernelwatch-cli profile: %s\n", why.c_str());
            return ExitUsage;
        }
        req = result->request;
        req.id = result->id;
        o.device = result->device.target.rfind("cuda", 0) == 0 ? result->device.target : "cuda:0";
    } else {
        req.id = EvalRequest::makeId();
        req.backend = p.valueOr("backend", "cuda");
        req.precision = p.valueOr("precision", "fp32");
        req.problem = std::filesystem::path(*p.value("ref")).stem().string();
        if (!readSourceFile(*p.value("ref"), req.refCode, error) ||
            !readSourceFile(*p.value("kernel"), req.kernelCode, error)) {
            std::fprintf(stderr, "kernelwatch-cli profile: %s\n", error.c_str());
            return ExitUsage;
        }
    }
    o.device = p.valueOr("device", o.device);
    const ProfileStore store;
    o.outDir = p.has("out") ? std::filesystem::absolute(*p.value("out")).string() : store.dirFor(req.id);
    if (o.outDir.empty()) {
        std::fprintf(stderr, "kernelwatch-cli profile: the id %s cannot name a folder; give --out DIR\n",
                     req.id.c_str());
        return ExitUsage;
    }
    if (!p.has("json") && stderrIsTerminal())
        std::fprintf(stderr,
                     "profiling on %s under Nsight Compute (each kernel is replayed per metric pass)...\n",
                     o.device.c_str());
    const ProfileReport r = runProfile(req, o);
    if (auto err = ProfileStore::saveIn(o.outDir, r); !err.empty())
        std::fprintf(stderr, "kernelwatch-cli profile: the profile could not be saved: %s\n", err.c_str());
    if (p.has("json"))
        std::printf("%s\n", toJson(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    else if (r.ok())
        printTable(r);
    if (!r.ok()) {
        std::fprintf(stderr, "kernelwatch-cli profile: %s\n", r.errorMessage.c_str());
        if (!p.has("json") && !r.log.empty())
            std::fprintf(stderr, "(ncu's output: %s/profile.json, key log_tail)\n", o.outDir.c_str());
    }
    return exitFor(r.error);
}

const CommandRegistrar reg{
    {"profile", "profile --ref FILE --kernel FILE | --id RESULT_ID [options]",
     "profile a kernel under Nsight Compute (per CUDA kernel: time, throughput, limiter)", &runProfileCmd}};

} // namespace
} // namespace kw::cli
