#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// The evaluator app kernelwatch ships (resources/evaluator/modal_app.py) and training code looks
// up with modal.Cls.from_name(kEvaluatorAppName, "KernelEvaluator").
inline constexpr std::string_view kEvaluatorAppName = "kernel-rl-evaluator";

// How ModalBackend reaches the deployed evaluator. Secrets live here only in memory: describe()
// never prints them, and nothing here is written to disk except by saveModalEndpoint (which
// writes the URL and GPU type, never a token).
struct ModalConfig
{
    std::string endpoint; // web endpoint URL, e.g. https://ws--kernel-rl-evaluator-evaluate-http.modal.run
    std::string gpuType = "H100"; // for requests that name none
    std::string proxyKey;         // Modal-Key header (wk-...)
    std::string proxySecret;      // Modal-Secret header (ws-...)

    int maxInFlight = 256;       // concurrent HTTP requests
    double deadlineS = 0;        // per request, from its first send; 0 = request timeout + deadlineSlackS
    double deadlineSlackS = 600; // cold starts, image pulls, queueing on Modal
    double connectTimeoutS = 15;
    int maxRetries = 4; // re-sends where the evaluation surely did not run
    double backoffInitialS = 0.5;
    double backoffMaxS = 30;
    int maxRedirects = 200; // 303 hops to the result URL (Modal long-polls ~150 s per hop)
    std::size_t maxResponseBytes = 32u << 20;
    std::string caBundle; // CA file for TLS; empty = system default

    // Endpoint from KERNELWATCH_MODAL_ENDPOINT, else the one saved by the last deploy; proxy
    // token from KERNELWATCH_PROXY_KEY / KERNELWATCH_PROXY_SECRET; GPU from KERNELWATCH_MODAL_GPU.
    static ModalConfig fromEnvironment();

    // Empty when usable, else a one-line message with the fix.
    std::string validate() const;
    // "Modal: H100 at https://…, proxy auth wk-Ab…" — never the secret.
    std::string describe() const;
    // The deadline for a request whose evaluation timeout is `requestTimeoutS`.
    double deadlineFor(double requestTimeoutS) const;
};

// $XDG_CONFIG_HOME/kernelwatch/modal.json: {"endpoint": URL, "gpu": TYPE, "timeout_s": N}.
std::string modalSettingsPath();
bool saveModalEndpoint(const std::string& endpoint, const std::string& gpuType, int timeoutS,
                       int legacyDeadlineS = 0);
// The legacy `evaluate` deadline the deployed app was given (KERNELWATCH_LEGACY_DEADLINE_S), as
// saved by the last deploy; 0 when unknown.
int savedLegacyDeadlineS();

// kernel_rl calls the legacy `evaluate` with Modal's function timeout set to its modal_timeout;
// kernelwatch's app stops the evaluation kLegacyMarginS before its own legacy deadline so the call
// returns a result instead of Modal killing the container. Notes on a modal_timeout that does not
// fit the deployed deadline (0: unknown) or leaves no room for a cold CUDA build; empty when fine.
inline constexpr int kLegacyMarginS = 8;
inline constexpr int kColdCudaBuildS = 90; // a cold load_inline CUDA build: 65-90 s on an H100 host
std::vector<std::string> legacyDeadlineNotes(double modalTimeoutS, int legacyDeadlineS);
// Fills endpoint (and gpuType when saved) from modalSettingsPath(); false when absent/unreadable.
bool loadSavedModalEndpoint(ModalConfig& config);

} // namespace kw
