#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

struct ModalWebFunction
{
    std::string name;       // "evaluate_http"
    std::string url;        // "https://ws--kernel-rl-evaluator-evaluate-http.modal.run"
    bool proxyAuth = false; // the client printed " 🔑" after the URL: requests need a proxy auth token
};

// What `modal deploy FILE.py` printed.
struct ModalDeployResult
{
    bool success = false; // "App deployed" or "Deployment skipped" seen (and exit code 0 when known)
    bool skipped = false; // modal >= 1.4 found nothing changed: the deployed app is unchanged
    // As the client lists them, without the tree, the " 🔑" and the final '.': "mount /path",
    // "web function evaluate_http => https://…", "function KernelEvaluator.*".
    std::vector<std::string> createdObjects;
    std::vector<ModalWebFunction> webFunctions;
    std::optional<double> deploySeconds; // "App deployed in 0.132s"
    std::string deploymentUrl;           // "View Deployment: URL"
    std::string appPageUrl;              // "View run at URL" (modal serve; `modal deploy` prints none)
    // On failure: the message of the client's error box, or the exception line that follows a
    // Python traceback ("ValueError: …" after rich's traceback panel).
    std::string error;
    std::string errorDetail; // the traceback panel's frames, when there was one
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
