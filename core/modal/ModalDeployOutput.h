#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

struct ModalWebFunction
{
    std::string name; // "evaluate_http"
    std::string url;  // "https://ws--kernel-rl-evaluator-evaluate-http.modal.run"
};

// What `modal deploy FILE.py` printed.
struct ModalDeployResult
{
    bool success = false; // "App deployed" or "Deployment skipped" seen (and exit code 0 when known)
    bool skipped = false; // modal >= 1.4 found nothing changed: the deployed app is unchanged
    std::vector<std::string> createdObjects; // "function KernelEvaluator.*", "mount /...", ...
    std::vector<ModalWebFunction> webFunctions;
    std::optional<double> deploySeconds; // "App deployed in 12.3s"
    std::string deploymentUrl;           // "View Deployment: URL"
    std::string appPageUrl;              // "View app page at URL" / "View run at URL"
    std::string error;                   // the error box or traceback text on failure
};

// Stage of a deploy, read from one streamed line (for progress display).
enum class ModalDeployStage
{
    Unknown,
    Initializing,
    BuildingImage,
    CreatingObjects,
    Deployed,
    Failed
};

// `exitCode` < 0 means "not known" (the text alone decides).
ModalDeployResult parseModalDeployOutput(std::string_view text, int exitCode = -1);
ModalDeployStage modalDeployStageOf(std::string_view line);

// The web endpoint URL among `r.webFunctions`: the one named `preferredName` when present, else
// the first; empty when none.
std::string modalEndpointUrl(const ModalDeployResult& r, std::string_view preferredName = "evaluate_http");

} // namespace kw
