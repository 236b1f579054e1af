// kernelwatch-cli doctor: what kernelwatch found on this machine, and what to fix.
#include "app/cli/ArgParser.h"
#include "app/cli/CliSettings.h"
#include "app/cli/Command.h"
#include "core/base/ExecutableSearch.h"
#include "core/base/Paths.h"
#include "core/base/Version.h"
#include "core/local/GpuInventory.h"
#include "core/model/HistoryStore.h"
#include "core/profile/NcuFinder.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace kw::cli {
namespace {

std::string findOnPath(const std::string& exe, const std::vector<std::string>& extra)
{
    if (auto found = findExecutable(exe, processSearchPath()))
        return *found;
    for (const auto& e : extra)
        if (isExecutableFile(e))
            return e;
    return {};
}

int runDoctor(const std::vector<std::string>& args)
{
    ArgParser p;
    p.option("python", "PATH", "interpreter to check (default: discovered)")
        .option("db", "PATH", "history store to check")
        .option("ncu", "PATH", "Nsight Compute's ncu to check")
        .flag("json", "print one JSON object")
        .flag("help", "show this help");
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli doctor: %s\n", p.error().c_str());
        return ExitUsage;
    }
    if (p.has("help")) {
        std::printf("usage: kernelwatch-cli doctor [options]\n\n%s", p.helpText().c_str());
        return ExitOk;
    }
    nlohmann::json out;
    bool healthy = true;
    out["version"] = KW_VERSION;
    out["commit"] = kw::gitCommit();
    const std::string evalDir = paths::evaluatorDir();
    out["evaluator_dir"] = evalDir;
    if (evalDir.empty()) {
        healthy = false;
        out["evaluator_error"] = "the kernelwatch_eval package was not found: reinstall kernelwatch or set "
                                 "KERNELWATCH_EVALUATOR_DIR to the folder that holds kernelwatch_eval/";
    }
    const AppSettings settings = resolveSettings(p);
    nlohmann::json used = nlohmann::json::array();
    for (const auto& [name, value, where] : settings.rows())
        used.push_back({{"name", name}, {"value", value}, {"from", where}});
    out["settings"] = {{"file", settings.settingsPath},
                       {"file_found", settings.settingsFileFound},
                       {"values", used},
                       {"problems", settings.problems}};
    const GpuInventory inventory = GpuInventory::query(settings.python.value, evalDir);
    const PythonProbe& probe = *inventory.torch;
    out["python"] = {{"path", probe.path},
                     {"ok", probe.ok},
                     {"version", probe.pythonVersion},
                     {"torch", probe.torchVersion},
                     {"torch_cuda", probe.torchCuda},
                     {"triton", probe.tritonAvailable},
                     {"error", probe.error}};
    healthy = healthy && probe.ok;
    nlohmann::json gpus = nlohmann::json::array();
    for (const auto& g : inventory.devices)
        gpus.push_back({{"index", g.index},
                        {"name", g.name},
                        {"arch", g.arch},
                        {"memory_gib", g.memoryBytes / double(1ull << 30)},
                        {"use", gpuUseName(g.use)},
                        {"note", g.note}});
    out["gpus"] = gpus;
    out["gpu_summary"] = inventory.message();
    out["nvcc"] = findOnPath("nvcc", {"/usr/local/cuda/bin/nvcc"});
    out["modal"] = findOnPath(settings.modalCli.value, {});
    const profile::NcuLocation ncu = profile::findNcu(settings.ncuPath.value, childenv::current());
    out["ncu"] = ncu.path;
    if (ncu.path.empty() && !settings.ncuPath.value.empty())
        out["ncu_error"] = ncu.message(); // the configured one is not there
    const std::string db = settings.historyPath.value;
    try {
        HistoryStore store(db);
        out["store"] = {{"path", db}, {"results", store.count()}};
    } catch (const std::exception& e) {
        healthy = false;
        out["store"] = {{"path", db}, {"error", e.what()}};
    }
    out["cache_dir"] = settings.cacheDir.value;

    if (p.has("json")) {
        std::printf("%s\n", out.dump(2).c_str());
        return healthy ? ExitOk : ExitInfra;
    }
    std::printf("kernelwatch-cli %s (commit %s)\n", KW_VERSION, kw::gitCommit());
    std::printf("evaluator:  %s\n",
                evalDir.empty() ? out["evaluator_error"].get<std::string>().c_str() : evalDir.c_str());
    if (probe.ok)
        std::printf("python:     %s (Python %s, torch %s%s%s)\n", probe.path.c_str(),
                    probe.pythonVersion.c_str(), probe.torchVersion.c_str(),
                    probe.torchCuda.empty() ? ", CPU build" : (", CUDA " + probe.torchCuda).c_str(),
                    probe.tritonAvailable ? ", triton" : "");
    else
        std::printf("python:     PROBLEM: %s\n", probe.error.c_str());
    std::printf("gpus:       %s\n", inventory.message().c_str());
    for (const auto& g : inventory.devices)
        std::printf("gpu %d:      %s (%s, %.0f GiB): %s%s%s\n", g.index, g.name.c_str(), g.arch.c_str(),
                    g.memoryBytes / double(1ull << 30), gpuUseName(g.use), g.note.empty() ? "" : ": ",
                    g.note.c_str());
    std::printf("nvcc:       %s\n", out["nvcc"].get<std::string>().empty()
                                        ? "not found (CUDA kernels cannot be built here)"
                                        : out["nvcc"].get<std::string>().c_str());
    std::printf(
        "ncu:        %s\n",
        out["ncu"].get<std::string>().empty()
            ? (out.contains("ncu_error")
                   ? out["ncu_error"].get<std::string>()
                   : std::string("not found (only needed for profiles: Nsight Compute, in the CUDA toolkit)"))
                  .c_str()
            : out["ncu"].get<std::string>().c_str());
    std::printf("modal:      %s\n", out["modal"].get<std::string>().empty()
                                        ? "not found (only needed for the Modal target: pipx install modal)"
                                        : out["modal"].get<std::string>().c_str());
    if (out["store"].contains("error"))
        std::printf("store:      PROBLEM: %s\n", out["store"]["error"].get<std::string>().c_str());
    else
        std::printf("store:      %s (%zu results)\n", db.c_str(), out["store"]["results"].get<std::size_t>());
    std::printf("cache:      %s\n", out["cache_dir"].get<std::string>().c_str());
    std::printf("\nsettings (option > environment > %s > modal.json > default):\n",
                settings.settingsPath.empty()
                    ? "no settings file"
                    : (settings.settingsPath + (settings.settingsFileFound ? "" : " (not present)")).c_str());
    for (const auto& [name, value, where] : settings.rows())
        std::printf("  %-16s %s  [%s]\n", name.c_str(), value.c_str(), where.c_str());
    for (const auto& problem : settings.problems)
        std::printf("  PROBLEM: %s\n", problem.c_str());
    return healthy ? ExitOk : ExitInfra;
}

const CommandRegistrar reg{{"doctor", "doctor [--python PATH] [--db PATH] [--ncu PATH] [--json]",
                            "check the evaluator, Python/torch, GPUs, store and tools", &runDoctor}};

} // namespace
} // namespace kw::cli
