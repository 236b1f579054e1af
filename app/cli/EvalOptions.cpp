#include "app/cli/EvalOptions.h"

#include "app/cli/CliSettings.h"

#include "core/modal/ModalConfig.h"
#include "core/model/PerfSummary.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace kw::cli {

void EvalOptions::declare(ArgParser& p)
{
    p.option("backend", "cuda|triton", "kernel backend (default cuda; C++ extensions use cuda on the cpu)")
        .option("device", "cpu|cuda|cuda:N", "where to run locally (default: a GPU when present, else cpu)")
        .option("precision", "fp32|fp16|bf16", "input and weight precision (default fp32)")
        .option("trials", "N", "correctness trials (default 5)")
        .option("perf-trials", "N", "timing trials (default 100)")
        .flag("no-perf", "check correctness only, skip timing")
        .option("timeout", "S", "hard limit per evaluation in seconds (default 300)")
        .option("baseline", "eager|compile|both",
                "time against eager PyTorch (default), also torch.compile with its speedup headlined "
                "(compile), or both shown (both)")
        .option("compile-mode", "MODE",
                "torch.compile mode for the compile baseline: default or max-autotune-no-cudagraphs "
                "(default: default)")
        .option("python", "PATH", "Python interpreter with torch (default: discovered)")
        .option(
            "mem-limit-mb", "M",
            "memory cap per local evaluation in MiB (default: $KERNELWATCH_MEM_LIMIT_MB, else the app's "
            "Settings, else half of RAM; 0 = none); the pre-run check compares the problem's sizes with it")
        .option("input-batch-size", "N",
                "scale the inputs down: the reference's batch_size becomes N (a try on a smaller machine; "
                "the result says the inputs were scaled and its speedup is not the problem's)")
        .option("db", "PATH", "history store (default ~/.local/share/kernelwatch/history.sqlite)")
        .option("target", "local|modal", "where to evaluate (default local)")
        .option("gpu", "TYPE", "Modal GPU type: T4, L4, A10, L40S, A100, A100-80GB, H100, H200, B200, ...")
        .option("endpoint", "URL",
                "Modal web endpoint (default: KERNELWATCH_MODAL_ENDPOINT or the last deploy)")
        .flag("json", "print results as JSON")
        .flag("help", "show this help");
}

bool EvalOptions::read(ArgParser& p, std::string& error)
{
    // Malformed numbers are refused here, naming the option; the values come from the settings.
    p.intValue("trials", 1, 1000);
    p.intValue("perf-trials", 1, 100000);
    p.doubleValue("timeout", 1, 86400);
    p.intValue("mem-limit-mb", 0, 1 << 30);
    if (auto v = p.intValue("input-batch-size", 1, 1 << 30))
        base.inputBatchSize = *v;
    if (!p.error().empty()) {
        error = p.error();
        return false;
    }
    settings = resolveSettings(p);
    warnSettingsProblems(settings);
    base.backend = settings.backend.value;
    base.device = p.valueOr("device", "auto");
    base.precision = settings.precision.value;
    base.numCorrectTrials = settings.correctTrials.value;
    base.numPerfTrials = settings.perfTrials.value;
    base.timeoutS = settings.timeoutS.value;
    base.measurePerformance = !p.has("no-perf");
    base.target = p.valueOr("target", "local");
    base.gpuType = p.valueOr("gpu", "");
    endpoint = p.valueOr("endpoint", "");
    if (base.target == "local" && (p.has("gpu") || p.has("endpoint"))) {
        error = "--gpu and --endpoint apply to --target modal";
        return false;
    }
    if (auto word = p.value("baseline")) {
        auto choice = parseBaselineChoice(*word, error);
        if (!choice)
            return false;
        baselineChoice = *choice;
    } else if (settings.baselines.value.size() > 1) {
        baselineChoice = BaselineChoice::Both; // the GUI's default: both measured, both shown
    }
    base.baselines = baselinesFor(baselineChoice);
    base.compileMode = settings.compileMode.value;
    if (p.has("compile-mode") && baselineChoice == BaselineChoice::Eager) {
        error = "--compile-mode applies to the compile baseline: add --baseline compile or --baseline both";
        return false;
    }
    python = settings.python.value;
    dbPath = settings.historyPath.value;
    json = p.has("json");
    // Validate the shared fields with placeholder code so the message names the option.
    EvalRequest probe = base;
    probe.refCode = probe.kernelCode = "x";
    if (auto msg = validateRequest(probe); !msg.empty()) {
        error = msg;
        return false;
    }
    return true;
}

std::unique_ptr<HistoryStore> openStore(const std::string& dbPath)
{
    try {
        return std::make_unique<HistoryStore>(dbPath);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kernelwatch-cli: %s\n", e.what());
        return nullptr;
    }
}

EvaluatorSettings evaluatorSettings(const EvalOptions& opts)
{
    EvaluatorSettings s;
    s.target = opts.base.target == "modal" ? "modal" : "local";
    s.modal = opts.settings.modalConfig(); // --endpoint and --gpu are options of the settings
    if (opts.jobs > 0)
        s.modal.maxInFlight = opts.jobs;
    s.local = opts.settings.localConfig();
    s.local.python = opts.python;
    if (opts.jobs > 0)
        s.local.cpuConcurrency = opts.jobs;
    return s;
}

std::unique_ptr<Evaluator> makeStartedEvaluator(const EvalOptions& opts, std::string& error)
{
    auto evaluator = makeEvaluator(evaluatorSettings(opts), error);
    if (!evaluator)
        return nullptr;
    error = evaluator->start();
    if (!error.empty())
        return nullptr;
    return evaluator;
}

bool stderrIsTerminal()
{
    return isatty(STDERR_FILENO) == 1;
}

void printProgressLine(const std::string& text)
{
    if (!stderrIsTerminal())
        return;
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    std::fflush(stderr);
}

namespace {
std::string fmt(const char* f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}
} // namespace

std::string describeResult(const EvalResult& r, BaselineChoice headline)
{
    std::string out = std::string(statusName(r.status));
    if (const std::string why = r.notRunReason(); !why.empty())
        out += " (not run: " + why + ")";
    const BaselineTiming* compile = r.baseline("compile");
    if (headline == BaselineChoice::Compile && compile && compile->speedup)
        out += "  vs torch.compile " + speedupText(compile->speedup, compile->speedupCi);
    else if (r.speedup)
        out += "  speedup " + speedupText(r.speedup, speedupInterval(r, Baseline::Eager));
    if (r.runtimeMs) {
        out += "  kernel " + fmt("%.4g ms", *r.runtimeMs);
        if (r.runtimeStats && r.runtimeStats->mean > 0)
            out += fmt(" (±%.1f%%)", 100.0 * r.runtimeStats->std / r.runtimeStats->mean);
    }
    if (r.baselineRuntimeMs && r.baselines.empty())
        out += "  baseline " + fmt("%.4g ms", *r.baselineRuntimeMs);
    if (r.testsTotal > 0)
        out += "  tests " + std::to_string(r.testsPassed) + "/" + std::to_string(r.testsTotal);
    if (auto it = r.metadata.find("max_difference"); it != r.metadata.end() && it->is_number())
        out += "  max diff " + fmt("%.3g", it->get<double>());
    out += "\n";
    for (const auto& b : r.baselines)
        out += "baseline: " + baselineText(b) + "\n";
    if (headline != BaselineChoice::Eager && !compile && r.runtimeMs)
        out += "baseline: torch.compile was not measured (the evaluator did not report it)\n";
    if (r.timingQuality && r.timingQuality->untrustworthy()) {
        out += "timing: " + r.timingQuality->verdict + " (not a significant speedup)";
        for (std::size_t i = 0; i < r.timingQuality->reasons.size(); ++i)
            out += (i ? "; " : ": ") + r.timingQuality->reasons[i];
        out += "\n";
    }
    if (const std::string sol = speedOfLightText(r); !sol.empty())
        out += sol + "\n";
    if (const std::string ftl = fasterThanLightText(r); !ftl.empty())
        out += ftl + "\n";
    if (!r.device.name.empty() || !r.device.target.empty())
        out += "device: " + r.device.name + " (" + r.device.arch + ", " + r.device.target + ")\n";
    out += "time: compile " + fmt("%.1f s", r.timings.compile) + ", correctness " +
           fmt("%.1f s", r.timings.correctness) + ", perf " + fmt("%.1f s", r.timings.perf) + ", total " +
           fmt("%.1f s", r.timings.total) + "\n";
    if (r.costUsd)
        out += "cost: " + fmt("$%.5f", *r.costUsd) +
               " (this evaluation's GPU seconds; a cold container's start and idle tail until scale-down "
               "are billed on top)\n";
    if (!r.flags.empty()) {
        out += "flags:";
        for (const auto& f : r.flags)
            out += " " + f;
        out += "\n";
    }
    if (!r.errorMessage.empty())
        out += "error: " + r.errorMessage + "\n";
    if (auto it = r.metadata.find("inputs_scaled"); it != r.metadata.end() && it->is_object())
        out += "inputs scaled: batch_size " + std::to_string(it->value("original_batch_size", 0LL)) + " -> " +
               std::to_string(it->value("batch_size", 0LL)) + " (the speedup is not the problem's)\n";
    if (!r.logTail.empty() && r.status != EvalStatus::Correct) {
        std::string tail = r.logTail.size() > 2000 ? r.logTail.substr(r.logTail.size() - 2000) : r.logTail;
        out += "log tail:\n" + tail + (tail.back() == '\n' ? "" : "\n");
    }
    out += "id: " + r.id + "\n";
    return out;
}

} // namespace kw::cli
