#pragma once

#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"
#include "core/model/InputSizes.h"
#include "core/model/MemoryBudget.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kw {

enum class EvalStage
{
    Queued,
    Compiling,
    Checking,
    Timing,
    Done
};
std::string_view stageName(EvalStage s);

struct EvalProgress
{
    std::string requestId;
    EvalStage stage = EvalStage::Queued;
    double elapsedS = 0; // since submit
    std::string detail;  // e.g. "cuda:1", "cache hit"
};

// Where evaluations run: LocalBackend (own GPUs/CPU) or ModalBackend (HTTPS).
// Callbacks arrive on the backend's own threads; GUI code re-posts them to the UI thread.
// Every submitted request gets exactly one result callback, also when cancelled or failed.
class Evaluator
{
public:
    using Ticket = std::uint64_t;
    using ResultFn = std::function<void(const EvalResult&)>;
    using ProgressFn = std::function<void(const EvalProgress&)>;
    using ItemFn = std::function<void(std::size_t index, const EvalResult&)>;
    using BatchFn = std::function<void(std::vector<EvalResult>)>;

    virtual ~Evaluator() = default;

    virtual std::string describe() const = 0; // "Local: 2 GPUs", "Modal: H100"

    // Lifecycle: start() does what may take seconds (the local backend imports torch and starts
    // its zygotes; Modal needs nothing) and is never called on a UI thread; submit() starts
    // lazily when nobody did. Empty on success, else one line saying what is wrong and the fix.
    virtual std::string start() { return {}; }
    virtual bool started() const { return true; }

    // The pre-run check's two halves (core/usecase/EvalSession checkSizes): the problem's sizes,
    // measured without running it (blocking, seconds: never on a UI thread), and the memory an
    // evaluation of the request will have. Evaluators that cannot tell answer probed = false /
    // bytes = 0 and nothing is refused (Modal: the GPU is the user's choice).
    virtual InputSizes probeSizes(const EvalRequest& request);
    virtual MemoryBudget memoryBudget(const EvalRequest& request) const;

    // Queues one evaluation. onDone is called exactly once.
    virtual Ticket submit(EvalRequest request, ResultFn onDone, ProgressFn onProgress = {}) = 0;
    // Cancels a queued or running evaluation; its result is reported with status infra_error
    // and error "cancelled". Unknown or finished tickets are ignored.
    virtual void cancel(Ticket ticket) = 0;
    virtual void cancelAll() = 0;
    // Number of evaluations queued or running.
    virtual std::size_t pending() const = 0;

    // Queues every request. onItem fires as each finishes (any order); onAll fires once with
    // the results in input order. A failed item never fails the batch: it is a result with
    // its own status (like starmap(return_exceptions=True)).
    std::vector<Ticket> submitBatch(std::vector<EvalRequest> requests, ItemFn onItem, BatchFn onAll,
                                    ProgressFn onProgress = {});

    // Blocking helpers for the CLI and tests.
    EvalResult evaluate(EvalRequest request, ProgressFn onProgress = {});
    std::vector<EvalResult> evaluateBatch(std::vector<EvalRequest> requests, ItemFn onItem = {},
                                          ProgressFn onProgress = {});
};

} // namespace kw
