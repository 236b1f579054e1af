#pragma once

#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"
#include "core/modal/ModalDeployOutput.h"
#include "core/modal/ModalErrorClassifier.h"

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kw {

// Deploying the evaluator app kernelwatch ships (kEvaluatorAppName, ModalConfig.h) with the
// deploy-time settings its modal_app.py reads from the environment: the one place that spells them.
inline constexpr int kDefaultMaxContainers = 32; // kernel_rl capped its own app at 32

struct ModalDeployRequest
{
    std::string file; // modal_app.py; empty: the installed / source evaluator's
    std::string gpu = "H100";
    int timeoutS = 300; // the longest evaluation the app allows
    int maxContainers = kDefaultMaxContainers;
    int legacyDeadlineS =
        60; // the caller's Modal timeout on the legacy `evaluate` (kernel_rl's modal_timeout)
};

struct ModalDeployOutcome
{
    ModalDiagnosis diagnosis; // cause None on success
    ModalDeployResult result; // what modal printed, parsed
    std::string file;         // the app file deployed
    std::string gpu;          // canonical GPU spelling
    std::string endpoint;     // the web endpoint URL ("" when none was printed)
    bool saved = false;       // the endpoint, GPU and timeout were saved (ModalConfig)

    bool ok() const { return diagnosis.cause == ModalCause::None; }
    // One line for the user: "✓ Deployed in 12.3 s; endpoint saved", "✓ Nothing changed: …".
    std::string summary() const;
};

// The environment modal_app.py reads at deploy time (KERNELWATCH_MODAL_GPU, _TIMEOUT,
// _MAX_CONTAINERS, KERNELWATCH_LEGACY_DEADLINE_S).
std::map<std::string, std::string> evaluatorDeployEnv(const ModalDeployRequest& r);

// Checks what can be checked first (app file, GPU type, client version), then deploys, streaming
// modal's output to onLine, parses it and saves the endpoint. Blocking; no Qt. The CLI prints the
// lines, the Deployment panel posts them to its thread.
ModalDeployOutcome deployEvaluator(const ModalCli& cli, const ModalDeployRequest& request,
                                   const ModalCli::LineFn& onLine = {},
                                   const std::atomic<bool>* stop = nullptr);

// The checks deployEvaluator makes before it runs modal (also for `modal serve`): the app file and
// the canonical GPU, or a diagnosis saying what is wrong.
struct ModalLaunchPlan
{
    ModalDiagnosis diagnosis;
    std::string file;
    std::string gpu;
    std::map<std::string, std::string> env;
    bool ok() const { return diagnosis.cause == ModalCause::None; }
};
ModalLaunchPlan planEvaluatorLaunch(const ModalDeployRequest& request);

} // namespace kw
