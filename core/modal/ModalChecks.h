#pragma once

#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace kw {

// One troubleshooting check: pass/fail with the fix (the Troubleshoot panel and `modal status`).
struct ModalCheck
{
    std::string id;    // cli, token, app, endpoint, timeout, gpu
    std::string title; // "Modal CLI found"
    bool ok = false;
    bool skipped = false; // could not run because an earlier check failed
    std::string detail;   // what was found ("modal 1.5.2", "kernel-lab", ...)
    std::string fix;      // empty when ok
};

struct ModalCheckOptions
{
    std::string appName = std::string(kEvaluatorAppName);
    int configuredTimeoutS = 0; // the timeout the user wants (0 = don't check)
    // kernel_rl's modal_timeout from the training config (0 = no config known): checked against the
    // deployed app's legacy deadline and a cold CUDA build.
    double trainingModalTimeoutS = 0;
    int legacyDeadlineS = 0; // the deployed app's, as saved by the last deploy (0 = unknown)
    // When set (the panel closes), the `modal` command or request in progress ends at once and
    // the checks after it are not run: the last one reported says it was stopped.
    const std::atomic<bool>* stop = nullptr;
};

// Runs every check in order, reporting each as it completes (onCheck may be empty).
// Blocking: call it off the UI thread.
std::vector<ModalCheck> runModalChecks(const ModalCli& cli, const ModalConfig& config,
                                       const ModalCheckOptions& o,
                                       const std::function<void(const ModalCheck&)>& onCheck = {});

} // namespace kw
