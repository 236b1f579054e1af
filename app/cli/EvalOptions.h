#pragma once

#include "app/cli/ArgParser.h"
#include "core/model/EvalRequest.h"
#include "core/model/Evaluator.h"
#include "core/model/HistoryStore.h"
#include "core/usecase/AppSettings.h"
#include "core/usecase/EvalSession.h"

#include <memory>
#include <string>

namespace kw::cli {

// Options shared by `eval` and `batch`: how to evaluate, where to store, which backend.
struct EvalOptions
{
    EvalRequest base; // backend, device, precision, trials, timeout, target, gpu
    std::string python;
    std::string dbPath;
    std::string endpoint;
    int jobs = 0;
    bool json = false;
    BaselineChoice baselineChoice = BaselineChoice::Eager; // which speedup is headlined
    // The settings behind the defaults above (options, environment, the GUI's settings file,
    // modal.json): the evaluator is built from it.
    AppSettings settings;

    static void declare(ArgParser& p);
    // Reads the options; on error returns false with the message in `error`.
    bool read(ArgParser& p, std::string& error);
};

// Opens the store (exit 3 on failure, message printed) — nullptr when it failed.
std::unique_ptr<HistoryStore> openStore(const std::string& dbPath);

// Builds and starts the evaluator for the options. nullptr and a one-line `error` (infra).
// The evaluator settings these options give (core/usecase/EvalSession), and an evaluator made from
// them and started; nullptr with `error` set when it cannot work.
EvaluatorSettings evaluatorSettings(const EvalOptions& opts);
std::unique_ptr<Evaluator> makeStartedEvaluator(const EvalOptions& opts, std::string& error);

// Human-readable multi-line summary of a result: the headline speedup (against torch.compile for
// BaselineChoice::Compile, when measured), every baseline measured, % of speed of light.
std::string describeResult(const EvalResult& r, BaselineChoice headline = BaselineChoice::Eager);

// Progress line on stderr when it is a terminal ("\r" updates); no-op otherwise.
void printProgressLine(const std::string& text);
bool stderrIsTerminal();

} // namespace kw::cli
