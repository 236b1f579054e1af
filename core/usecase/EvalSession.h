#pragma once

#include "EvalRequest.h"
#include "EvalResult.h"
#include "Evaluator.h"
#include "LocalConfig.h"
#include "ModalConfig.h"

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
EvalResult evaluateAndRecord(Evaluator& evaluator, HistoryStore* store, const EvalRequest& request,
                             const Evaluator::ProgressFn& onProgress, std::string* storeError);

// The same record-before-report step for results that arrive by callback (the GUI's service, a
// batch's items): true when stored (or nothing to store in); else storeError says why.
bool recordResult(HistoryStore* store, const EvalResult& result, std::string* storeError);

} // namespace kw
