// kernelwatch-cli eval: one evaluation, stored, printed.
#include "app/cli/Command.h"
#include "app/cli/EvalOptions.h"
#include "core/model/SourceFile.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

namespace kw::cli {
namespace {

int runEval(const std::vector<std::string>& args)
{
    ArgParser p;
    p.option("ref", "FILE", "reference program (class Model, get_inputs, get_init_inputs)")
        .option("kernel", "FILE", "candidate program (class ModelNew)");
    EvalOptions::declare(p);
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli eval: %s (see kernelwatch-cli eval --help)\n",
                     p.error().c_str());
        return ExitUsage;
    }
    if (p.has("help")) {
        std::printf("usage: kernelwatch-cli eval --ref FILE --kernel FILE [options]\n\n%s",
                    p.helpText().c_str());
        return ExitOk;
    }
    EvalOptions opts;
    std::string error;
    if (!opts.read(p, error)) {
        std::fprintf(stderr, "kernelwatch-cli eval: %s\n", error.c_str());
        return ExitUsage;
    }
    if (!p.has("ref") || !p.has("kernel")) {
        std::fprintf(stderr, "kernelwatch-cli eval: give both --ref FILE and --kernel FILE\n");
        return ExitUsage;
    }
    EvalRequest req = opts.base;
    req.id = EvalRequest::makeId();
    req.source = "cli";
    req.refPath = std::filesystem::absolute(*p.value("ref")).string();
    req.kernelPath = std::filesystem::absolute(*p.value("kernel")).string();
    req.problem = std::filesystem::path(req.refPath).stem().string();
    if (!readSourceFile(*p.value("ref"), req.refCode, error) ||
        !readSourceFile(*p.value("kernel"), req.kernelCode, error)) {
        std::fprintf(stderr, "kernelwatch-cli eval: %s\n", error.c_str());
        return ExitUsage;
    }
    // The Submit panel's admission and words: a kernel that cannot be a candidate is refused.
    if (auto msg = admitRequest(req, *p.value("ref"), *p.value("kernel"), AdmissionMode::Interactive);
        !msg.empty()) {
        std::fprintf(stderr, "kernelwatch-cli eval: %s\n", msg.c_str());
        return ExitUsage;
    }

    auto store = openStore(opts.dbPath);
    if (!store)
        return ExitInfra;
    auto evaluator = makeStartedEvaluator(opts, error);
    if (!evaluator) {
        std::fprintf(stderr, "kernelwatch-cli: %s\n", error.c_str());
        return ExitInfra;
    }

    std::mutex printMutex;
    std::string storeError;
    EvalResult result = evaluateAndRecord(
        *evaluator, store.get(), req,
        [&](const EvalProgress& pr) {
            std::lock_guard lock(printMutex);
            char line[160];
            std::snprintf(line, sizeof line, "%s %s %.1f s", std::string(stageName(pr.stage)).c_str(),
                          pr.detail.c_str(), pr.elapsedS);
            printProgressLine(line);
        },
        &storeError,
        // The same pre-run check and words as the Submit panel (core/usecase/EvalSession).
        [&](const SizeCheck& check) {
            std::lock_guard lock(printMutex);
            if (check.sizes.probed || !check.problem.empty() || opts.base.target == "local")
                std::fprintf(stderr, "%s\n", check.line.c_str());
        });
    printProgressLine("");
    if (!storeError.empty()) { // recorded before it is reported: nothing is shown that is not kept
        std::fprintf(stderr, "kernelwatch-cli: the result could not be stored: %s\n", storeError.c_str());
        return ExitInfra;
    }
    if (opts.json)
        std::printf(
            "%s\n",
            toJson(result, true).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    else
        std::printf("%s", describeResult(result, opts.baselineChoice).c_str());
    std::fflush(stdout);
    if (result.status == EvalStatus::InfraError) {
        std::fprintf(stderr, "kernelwatch-cli: %s\n", result.errorMessage.c_str());
        return ExitInfra;
    }
    return ExitOk;
}

const CommandRegistrar reg{{"eval", "eval --ref FILE --kernel FILE [options]",
                            "evaluate one kernel against its reference", &runEval}};

} // namespace
} // namespace kw::cli
