#pragma once

#include "core/local/LocalConfig.h"
#include "core/modal/ModalConfig.h"
#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"
#include "core/model/Evaluator.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kw {

class HistoryStore;

// One evaluation workflow for every front end (the Submit panel, `kernelwatch-cli eval` and
// `batch`): admission with one set of words, evaluator construction from one settings model, and
// record-before-report. Qt-free and blocking where it says so.

// How a request came in. Interactive front ends refuse a kernel that cannot be a candidate (no
// `class ModelNew`): the user forgot something. A batch (a training-style workload) evaluates it
// and records the format failure, as KernelBench does with a model's output.
enum class AdmissionMode
{
    Interactive,
    Batch,
};

// Empty when the request may run; else one sentence saying what is wrong and what to do.
// Labels name the sources in the words ("reference.py", "Kernel").
std::string admitRequest(const EvalRequest& request, const std::string& refLabel,
                         const std::string& kernelLabel, AdmissionMode mode);

// Which baselines a submission is timed against, as the front ends offer it: "eager" (eager
// PyTorch only), "compile" (eager and torch.compile measured, torch.compile headlined), "both"
// (both measured and shown).
enum class BaselineChoice
{
    Eager,
    Compile,
    Both,
};

// The choice for a word; nullopt with `error` saying which words there are.
std::optional<BaselineChoice> parseBaselineChoice(const std::string& word, std::string& error);
// The request's "baselines" for a choice (eager always measured).
std::vector<std::string> baselinesFor(BaselineChoice choice);
// The pre-run size check: the problem's sizes (the evaluator's size probe, nothing allocated)
// against the memory the evaluation will have. One set of words for the CLI and the GUI.
struct SizeCheck
{
    InputSizes sizes;
    MemoryBudget budget;
    // One line for the user: "Pre-run check: inputs 6.0 GiB (4096×393216 float32), outputs …,
    // estimated peak 36.0 GiB; available: the evaluator's memory cap of 7.7 GiB (…)".
    std::string line;
    // Why the run is refused and what to do, in plain words ("Not run: it needs about 108.0 GiB;
    // the memory cap is 2.0 GiB. Try it with batch_size 32 …, or raise it with …"); empty when it
    // may run (it fits, or nothing could be measured: then the run goes ahead).
    std::string problem;
    // With a problem: how the need was estimated and what the budget is ("estimated peak …
    // (inputs …; the estimate's rule); available: the evaluator's memory cap of 2.0 GiB (…)").
    std::string details;
    // On the CPU, a batch_size whose estimate fits (EvalRequest::inputBatchSize), when the
    // problem can be scaled (a module-level batch_size) and scaling would help.
    std::optional<long long> suggestedBatchSize;
};

// Blocking (the probe takes seconds: never on a UI thread). Evaluators without a probe give a
// check that refuses nothing.
SizeCheck checkSizes(Evaluator& evaluator, const EvalRequest& request);
// Pure: the verdict of a check from what was measured (what checkSizes returns).
SizeCheck judgeSizes(const InputSizes& sizes, const MemoryBudget& budget);

// The words of a refusal, the CLI's and the GUI's: the problem, then "Details: " and the details.
std::string refusalMessage(const SizeCheck& check);
// The stored result of a refused run: infra_error (error message: refusalMessage) with
// metadata.error_kind "setup" (not the kernel's failure) and metadata.size_check (bytes, budget,
// suggestion).
EvalResult sizeRefusal(const EvalRequest& request, const SizeCheck& check);

// The settings an evaluator is made from, whichever front end holds them.
struct EvaluatorSettings
{
    std::string target = "local"; // "local" or "modal"
    LocalConfig local;
    ModalConfig modal;
};

// A new, not yet started evaluator for settings.target; nullptr with `error` set when the
// settings cannot work (e.g. Modal without an endpoint: the config's one-line fix).
std::unique_ptr<Evaluator> makeEvaluator(const EvaluatorSettings& settings, std::string& error);

// Blocking: evaluates, stores the result (committed before it is returned, so nothing is
// reported that is not kept), returns it. A store failure is reported in storeError and the result
// is still returned.
// With onCheck set, the pre-run size check runs first and is handed to it; a refused request is
// recorded as sizeRefusal and returned without running.
EvalResult evaluateAndRecord(Evaluator& evaluator, HistoryStore* store, const EvalRequest& request,
                             const Evaluator::ProgressFn& onProgress, std::string* storeError,
                             const std::function<void(const SizeCheck&)>& onCheck = {});

// The same record-before-report step for results that arrive by callback (the GUI's service, a
// batch's items): true when stored (or nothing to store in); else storeError says why.
bool recordResult(HistoryStore* store, const EvalResult& result, std::string* storeError);

} // namespace kw
