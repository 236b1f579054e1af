#pragma once

#include "ModalCli.h"
#include "ModalConfig.h"

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
};

// Runs every check in order, reporting each as it completes (onCheck may be empty).
// Blocking: call it off the UI thread.
std::vector<ModalCheck> runModalChecks(const ModalCli& cli, const ModalConfig& config,
                                       const ModalCheckOptions& o,
                                       const std::function<void(const ModalCheck&)>& onCheck = {});

} // namespace kw
