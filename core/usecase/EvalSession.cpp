#include "EvalSession.h"

#include "HistoryStore.h"
#include "LocalBackend.h"
#include "ModalBackend.h"
#include "SourceFile.h"

namespace kw {

namespace {

bool blank(const std::string& s)
{
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

} // namespace

std::string admitRequest(const EvalRequest& r, const std::string& refLabel, const std::string& kernelLabel,
                         AdmissionMode mode)
{
    if (blank(r.refCode))
        return "The reference is empty: open a problem file, pick one in the KernelBench list, or load a "
               "sample.";
    if (auto problem = checkReferenceSource(r.refCode, refLabel); !problem.empty())
        return problem;
    if (mode == AdmissionMode::Interactive) {
        if (blank(r.kernelCode))
            return "The kernel is empty: write class ModelNew, open a file, or load a sample.";
        if (auto problem = checkKernelSource(r.kernelCode, kernelLabel); !problem.empty())
            return problem;
    }
    return validateRequest(r);
}

std::optional<BaselineChoice> parseBaselineChoice(const std::string& word, std::string& error)
{
    if (word == "eager")
        return BaselineChoice::Eager;
    if (word == "compile")
        return BaselineChoice::Compile;
    if (word == "both")
        return BaselineChoice::Both;
    error = "unknown baseline '" + word +
            "': use eager (eager PyTorch), compile (torch.compile headlined) or both";
    return std::nullopt;
}

std::vector<std::string> baselinesFor(BaselineChoice choice)
{
    if (choice == BaselineChoice::Eager)
        return {"eager"};
    return {"eager", "compile"};
}

std::unique_ptr<Evaluator> makeEvaluator(const EvaluatorSettings& s, std::string& error)
{
    error.clear();
    if (s.target == "modal") {
        error = s.modal.validate();
        if (!error.empty())
            return nullptr;
        return std::make_unique<ModalBackend>(s.modal);
    }
    if (s.target != "local") {
        error = "unknown target '" + s.target + "': use local or modal";
        return nullptr;
    }
    return std::make_unique<LocalBackend>(s.local);
}

bool recordResult(HistoryStore* store, const EvalResult& result, std::string* storeError)
{
    if (!store)
        return true;
    try {
        store->add(result);
        return true;
    } catch (const std::exception& e) {
        if (storeError)
            *storeError = e.what();
        return false;
    }
}

EvalResult evaluateAndRecord(Evaluator& evaluator, HistoryStore* store, const EvalRequest& request,
                             const Evaluator::ProgressFn& onProgress, std::string* storeError)
{
    EvalResult result = evaluator.evaluate(request, onProgress);
    recordResult(store, result, storeError);
    return result;
}

} // namespace kw
