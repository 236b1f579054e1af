#pragma once

#include "core/modal/ModalConfig.h"
#include "core/model/Evaluator.h"

#include <cstdint>
#include <memory>
#include <string>

namespace kw {

// Evaluates on the deployed Modal app over HTTPS: one thread drives a libcurl multi handle,
// so hundreds of evaluations are in flight at once. Each request is POSTed as EvalRequest JSON
// with the proxy auth headers (Modal-Key / Modal-Secret); a 303 is followed with a GET of the
// result URL (never a re-POST); a per-request deadline bounds everything; re-sends happen only
// where the evaluation surely did not run (see ModalHttpPolicy.h). Every submitted request gets
// exactly one result: failures are infra_error results whose message says what to do.
// Results carry cost_usd (GPU-seconds × list price). Tokens are never logged.
class ModalBackend : public Evaluator
{
public:
    explicit ModalBackend(ModalConfig config);
    ~ModalBackend() override; // cancels what is left (each gets its "cancelled" result)

    const ModalConfig& config() const;
    // Empty when the configuration is usable, else why not (then every submit fails at once).
    std::string configError() const;

    std::string describe() const override;
    Ticket submit(EvalRequest request, ResultFn onDone, ProgressFn onProgress = {}) override;
    void cancel(Ticket ticket) override;
    void cancelAll() override;
    std::size_t pending() const override;

    // Counters for tests and the status line.
    struct Stats
    {
        std::uint64_t posts = 0;     // POSTs started (first sends and re-sends)
        std::uint64_t gets = 0;      // GETs of result URLs
        std::uint64_t retries = 0;   // re-sends after a retryable failure
        std::uint64_t redirects = 0; // 303s followed
        std::uint64_t completed = 0; // results delivered
        std::size_t maxInFlight = 0; // most transfers at once
    };
    Stats stats() const;

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace kw
