#include "core/model/Evaluator.h"

#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>

namespace kw {

InputSizes Evaluator::probeSizes(const EvalRequest&)
{
    InputSizes s;
    s.error = "this evaluator cannot measure a problem before running it";
    return s;
}

MemoryBudget Evaluator::memoryBudget(const EvalRequest&) const
{
    return {};
}

std::string_view stageName(EvalStage s)
{
    switch (s) {
    case EvalStage::Queued:
        return "queued";
    case EvalStage::Compiling:
        return "compiling";
    case EvalStage::Checking:
        return "checking";
    case EvalStage::Timing:
        return "timing";
    case EvalStage::Done:
        return "done";
    }
    return "unknown";
}

std::vector<Evaluator::Ticket> Evaluator::submitBatch(std::vector<EvalRequest> requests, ItemFn onItem,
                                                      BatchFn onAll, ProgressFn onProgress)
{
    struct State
    {
        std::mutex mutex;
        std::vector<EvalResult> results;
        std::size_t remaining;
    };
    auto state = std::make_shared<State>();
    state->results.resize(requests.size());
    state->remaining = requests.size();
    if (requests.empty()) {
        if (onAll)
            onAll({});
        return {};
    }
    std::vector<Ticket> tickets;
    tickets.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (requests[i].id.empty())
            requests[i].id = EvalRequest::makeId();
        tickets.push_back(submit(
            std::move(requests[i]),
            [state, i, onItem, onAll](const EvalResult& r) {
                if (onItem)
                    onItem(i, r);
                std::vector<EvalResult> all;
                {
                    std::lock_guard lock(state->mutex);
                    state->results[i] = r;
                    if (--state->remaining != 0)
                        return;
                    all = std::move(state->results);
                }
                if (onAll)
                    onAll(std::move(all));
            },
            onProgress));
    }
    return tickets;
}

EvalResult Evaluator::evaluate(EvalRequest request, ProgressFn onProgress)
{
    auto promise = std::make_shared<std::promise<EvalResult>>();
    auto future = promise->get_future();
    submit(
        std::move(request), [promise](const EvalResult& r) { promise->set_value(r); }, std::move(onProgress));
    return future.get();
}

std::vector<EvalResult> Evaluator::evaluateBatch(std::vector<EvalRequest> requests, ItemFn onItem,
                                                 ProgressFn onProgress)
{
    auto promise = std::make_shared<std::promise<std::vector<EvalResult>>>();
    auto future = promise->get_future();
    submitBatch(
        std::move(requests), std::move(onItem),
        [promise](std::vector<EvalResult> all) { promise->set_value(std::move(all)); },
        std::move(onProgress));
    return future.get();
}

} // namespace kw
