#include "core/usecase/EvalSession.h"

#include "core/local/LocalBackend.h"
#include "core/modal/ModalBackend.h"
#include "core/model/HistoryStore.h"
#include "core/model/SourceFile.h"

#include <algorithm>
#include <cctype>

namespace kw {

namespace {

bool blank(const std::string& s)
{
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The largest power of two <= n (KernelBench's batch sizes are powers of two).
long long floorPow2(long long n)
{
    long long p = 1;
    while (p * 2 <= n)
        p *= 2;
    return p;
}

} // namespace

SizeCheck judgeSizes(const InputSizes& s, const MemoryBudget& b)
{
    SizeCheck c;
    c.sizes = s;
    c.budget = b;
    if (!s.probed) {
        c.line = "Pre-run check: sizes not known (" + s.error.substr(0, 300) + "); running anyway.";
        return c;
    }
    std::string shapes;
    for (const auto& sh : s.inputShapes)
        shapes += (shapes.empty() ? "" : ", ") + sh;
    c.line =
        "Pre-run check: inputs " + formatBytes(s.inputBytes) + (shapes.empty() ? "" : " (" + shapes + ")");
    if (s.outputBytes)
        c.line += ", outputs " + formatBytes(*s.outputBytes);
    if (s.paramBytes > 0)
        c.line += ", parameters " + formatBytes(s.paramBytes);
    c.line += ", estimated peak " + formatBytes(s.estimatedPeakBytes);
    if (s.scaledFrom && s.batchSize)
        c.line += " with inputs scaled (batch_size " + std::to_string(*s.scaledFrom) + " → " +
                  std::to_string(*s.batchSize) + ")";
    if (b.bytes <= 0) {
        c.line += "; no memory limit known here.";
        return c;
    }
    c.line += "; available: " + b.what + ".";
    // The estimate was measured on the CPU, where the cap is enforced; on a GPU only what must be
    // there at once (inputs, outputs, parameters) refuses a run, the estimate only warns.
    const long long needed = s.inputBytes + s.outputBytes.value_or(0) + s.paramBytes;
    const bool peakOver = b.gpu ? needed > b.bytes : s.estimatedPeakBytes > b.bytes;
    const bool hostOver = b.gpu && b.hostCapBytes > 0 && s.inputBytes > b.hostCapBytes;
    if (b.gpu && !peakOver && s.estimatedPeakBytes > b.bytes)
        c.line += " The estimated peak is over the GPU's memory: it may run out of memory (running anyway).";
    if (!peakOver && !hostOver)
        return c;
    // Scaling: the estimate grows with batch_size except for the parameters (CPU budgets only:
    // on a GPU the user picked, a smaller batch is a different problem there too, but the GPU
    // path offers a bigger GPU first).
    if (!b.gpu && s.batchSize && *s.batchSize > 1 && !s.scaledFrom) {
        const long long fixed = 2 * s.paramBytes;
        const long long perBatch = std::max<long long>(1, (s.estimatedPeakBytes - fixed) / *s.batchSize);
        // 40 % for torch itself (~0.4 GB resident in a CPU child), the kernel and allocator slack.
        const long long room = b.bytes * 6 / 10 - fixed;
        if (room > perBatch)
            c.suggestedBatchSize = std::min(*s.batchSize - 1, floorPow2(room / perBatch));
    }
    // First what happened and what to do, in plain words; then, as details, how it was estimated.
    const std::string name = b.name.empty() ? "the memory available" : b.name;
    if (hostOver && !peakOver) {
        c.problem = "Not run: this problem's inputs (" + formatBytes(s.inputBytes) +
                    ") are made in host memory first, and the memory cap is " + formatBytes(b.hostCapBytes) +
                    ". Raise the cap with " + std::string(kMemLimitEnv) +
                    " or kernelwatch-cli --mem-limit-mb (MiB; 0 = no cap).";
        c.details = "the inputs are made in host memory before they go to the GPU, under " + b.hostWhat + ".";
        return c;
    }
    if (b.gpu) {
        c.problem = "Not run: this problem's inputs, outputs and parameters alone need " +
                    formatBytes(needed) + "; " + name + " is " + formatBytes(b.bytes) + ". To run it, " +
                    b.raise + ".";
        c.details = "inputs " + formatBytes(s.inputBytes) +
                    (s.outputBytes ? ", outputs " + formatBytes(*s.outputBytes) : "") + ", parameters " +
                    formatBytes(s.paramBytes) + " must be on the GPU at once; available: " + b.what + ".";
        return c;
    }
    c.problem = "Not run: this problem needs about " + formatBytes(s.estimatedPeakBytes) + " of memory; " +
                name + " is " + formatBytes(b.bytes) + ". ";
    if (c.suggestedBatchSize)
        c.problem += "Try batch_size " + std::to_string(*c.suggestedBatchSize) + " instead of " +
                     std::to_string(*s.batchSize) +
                     " (scaled-down inputs, kernelwatch-cli --input-batch-size " +
                     std::to_string(*c.suggestedBatchSize) + "; the speedup is then not the problem's), or " +
                     b.raise + ".";
    else {
        std::string raise = b.raise;
        if (!raise.empty())
            raise[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(raise[0])));
        c.problem += raise + (s.batchSize ? "."
                                          : " (its inputs cannot be scaled down: no module-level "
                                            "batch_size in the reference).");
    }
    c.details = "estimated peak " + formatBytes(s.estimatedPeakBytes) + " (inputs " +
                formatBytes(s.inputBytes) +
                (s.outputBytes ? ", outputs " + formatBytes(*s.outputBytes) : "") + "; " + s.estimateRule +
                "); available: " + b.what + ".";
    return c;
}

SizeCheck checkSizes(Evaluator& evaluator, const EvalRequest& request)
{
    InputSizes sizes = evaluator.probeSizes(request);
    return judgeSizes(sizes, sizes.probed ? evaluator.memoryBudget(request) : MemoryBudget{});
}

std::string refusalMessage(const SizeCheck& c)
{
    return c.details.empty() ? c.problem : c.problem + "\n\nDetails: " + c.details;
}

EvalResult sizeRefusal(const EvalRequest& request, const SizeCheck& c)
{
    EvalResult r = EvalResult::infraError(request, refusalMessage(c));
    r.metadata["error_kind"] = "setup";
    nlohmann::json j{{"input_bytes", c.sizes.inputBytes},
                     {"estimated_peak_bytes", c.sizes.estimatedPeakBytes},
                     {"budget_bytes", c.budget.bytes},
                     {"budget", c.budget.what}};
    if (c.sizes.outputBytes)
        j["output_bytes"] = *c.sizes.outputBytes;
    if (c.sizes.batchSize)
        j["batch_size"] = *c.sizes.batchSize;
    if (c.suggestedBatchSize)
        j["suggested_batch_size"] = *c.suggestedBatchSize;
    r.metadata["size_check"] = std::move(j);
    return r;
}

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
                             const Evaluator::ProgressFn& onProgress, std::string* storeError,
                             const std::function<void(const SizeCheck&)>& onCheck)
{
    if (onCheck) {
        const SizeCheck check = checkSizes(evaluator, request);
        onCheck(check);
        if (!check.problem.empty()) {
            EvalResult refused = sizeRefusal(request, check);
            recordResult(store, refused, storeError);
            return refused;
        }
    }
    EvalResult result = evaluator.evaluate(request, onProgress);
    recordResult(store, result, storeError);
    return result;
}

} // namespace kw
