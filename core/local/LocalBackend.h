#pragma once

#include "core/local/LocalConfig.h"
#include "core/local/MemoryCap.h"
#include "core/local/PythonFinder.h"
#include "core/model/Evaluator.h"

#include <memory>
#include <string>
#include <vector>

namespace kw {

// The embedded default evaluator: one zygote per device slot, a fresh forked child per kernel,
// hard timeouts that kill the child's process group, parallel over every visible GPU.
// See resources/evaluator/PROTOCOL.md for the wire protocol.
class LocalBackend : public Evaluator
{
public:
    explicit LocalBackend(LocalConfig config);
    ~LocalBackend() override; // kills every zygote and child

    // Finds the interpreter, probes devices and starts the zygotes. Returns an empty string on
    // success, else a one-line message that says what is wrong and how to fix it (no Python
    // with torch, a cuda device asked for where none exists, ...). Called by submit() lazily.
    std::string start() override;
    bool started() const override;
    const PythonProbe& probe() const;
    std::vector<std::string> deviceSlots() const;

    // The size probe in a CPU zygote of its own (started on first use, kept): see PROTOCOL.md.
    InputSizes probeSizes(const EvalRequest& request) override;
    // CPU: the memory cap every zygote gets (--mem-limit-mb, KERNELWATCH_MEM_LIMIT_MB, half of
    // RAM); a GPU: its memory, with the cap as the host-side budget. After start().
    MemoryBudget memoryBudget(const EvalRequest& request) const override;
    const MemoryCap& memoryCap() const;

    std::string describe() const override;
    Ticket submit(EvalRequest request, ResultFn onDone, ProgressFn onProgress = {}) override;
    void cancel(Ticket ticket) override;
    void cancelAll() override;
    std::size_t pending() const override;

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace kw
