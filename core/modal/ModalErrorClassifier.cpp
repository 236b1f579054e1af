#include "core/modal/ModalErrorClassifier.h"

#include "core/base/Text.h"
#include "core/modal/ModalErrorBox.h"
#include "core/modal/ModalLogLine.h"
#include "core/modal/ModalVersion.h"

#include <array>

namespace kw {

std::string_view modalCauseName(ModalCause c)
{
    switch (c) {
    case ModalCause::None:
        return "ok";
    case ModalCause::CliNotInstalled:
        return "cli_not_installed";
    case ModalCause::TokenMissing:
        return "token_missing";
    case ModalCause::TokenInvalid:
        return "token_invalid";
    case ModalCause::AppNotFound:
        return "app_not_found";
    case ModalCause::AppNotDeployed:
        return "app_not_deployed";
    case ModalCause::EndpointUnauthorized:
        return "endpoint_unauthorized";
    case ModalCause::EndpointNotFound:
        return "endpoint_not_found";
    case ModalCause::RateLimited:
        return "rate_limited";
    case ModalCause::ServerError:
        return "server_error";
    case ModalCause::Timeout:
        return "timeout";
    case ModalCause::CudaArchMismatch:
        return "cuda_arch_mismatch";
    case ModalCause::Network:
        return "network";
    case ModalCause::UsageError:
        return "usage_error";
    case ModalCause::Stopped:
        return "stopped";
    case ModalCause::Unknown:
        return "unknown";
    }
    return "unknown";
}

std::string ModalDiagnosis::message() const
{
    if (fix.empty())
        return summary;
    return summary + ": " + fix;
}

ModalDiagnosis modalDiagnosisFor(ModalCause cause, std::string detail)
{
    ModalDiagnosis d;
    d.cause = cause;
    d.detail = std::move(detail);
    switch (cause) {
    case ModalCause::None:
        d.summary = "ok";
        break;
    case ModalCause::CliNotInstalled:
        d.summary = "the modal command-line client is not installed";
        // Debian 12's python3 refuses a system-wide `pip install` (PEP 668): pipx is the way.
        d.fix = "install it with `pipx install 'modal>=" + std::string(kModalMinVersion) +
                "'` (Debian: `sudo apt install pipx` first; it lands in ~/.local/bin, which kernelwatch also "
                "looks in), or point Settings › Modal › CLI (KERNELWATCH_MODAL_BIN) at an existing modal; "
                "then run `modal token new`";
        break;
    case ModalCause::TokenMissing:
        d.summary = "no Modal token";
        d.fix = "run `modal token new`, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET";
        break;
    case ModalCause::TokenInvalid:
        d.summary = "the Modal token was rejected";
        d.fix =
            "create a new one with `modal token new`; MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, when set, override "
            "~/.modal.toml, so check them first";
        break;
    case ModalCause::AppNotFound:
        d.summary = "the evaluator app is not deployed in this environment";
        d.fix =
            "deploy it with `kernelwatch-cli modal deploy` (check the environment: -e / MODAL_ENVIRONMENT)";
        break;
    case ModalCause::AppNotDeployed:
        d.summary = "the evaluator class could not be found: the app is not deployed";
        d.fix = "deploy it with `kernelwatch-cli modal deploy`";
        break;
    case ModalCause::EndpointUnauthorized:
        d.summary = "proxy auth rejected";
        d.fix = "set KERNELWATCH_PROXY_KEY/KERNELWATCH_PROXY_SECRET to a proxy auth token (wk-/ws-) of the "
                "app's workspace (modal.com, Settings, Proxy Auth Tokens)";
        break;
    case ModalCause::EndpointNotFound:
        d.summary = "endpoint not found";
        d.fix = "deploy the app (kernelwatch-cli modal deploy) and use the web endpoint URL it prints";
        break;
    case ModalCause::RateLimited:
        d.summary = "Modal is rate-limiting requests";
        d.fix = "lower the concurrency (--jobs) or wait; requests are retried with backoff";
        break;
    case ModalCause::ServerError:
        d.summary = "Modal answered with a server error";
        d.fix = "retry later; if it persists check status.modal.com and the app's logs (kernelwatch-cli "
                "modal logs)";
        break;
    case ModalCause::Timeout:
        d.summary = "timed out";
        d.fix = "raise the timeout (modal_timeout; redeploy with `kernelwatch-cli modal deploy --timeout N` "
                "when it "
                "exceeds the deployed maximum), or check whether the kernel hangs";
        break;
    case ModalCause::CudaArchMismatch:
        d.summary = "the kernel was built for a different GPU architecture than the one it ran on";
        d.fix = "pick a GPU type that CUDA 12.8 and the image's torch support, or set gpu_arch / "
                "TORCH_CUDA_ARCH_LIST "
                "to the GPU's compute capability (H100 = 9.0, A100 = 8.0, L4 = 8.9)";
        break;
    case ModalCause::Network:
        d.summary = "could not reach Modal";
        d.fix = "check the network connection and any HTTPS proxy settings";
        break;
    case ModalCause::UsageError:
        d.summary = "the modal client rejected the command line";
        d.fix = "the installed modal client may be too old or too new: `pip install -U modal`";
        break;
    case ModalCause::Stopped:
        d.summary = "stopped before it answered";
        d.fix = "kernelwatch ended the command (its window or panel closed); run it again";
        break;
    case ModalCause::Unknown:
        d.summary = "the modal command failed";
        d.fix = "read modal's own message (detail); `modal --help` lists the commands";
        break;
    }
    return d;
}

namespace {

struct Rule
{
    ModalCause cause;
    std::string_view needle; // lower case
};

// First match wins: specific causes before general ones.
constexpr std::array kRules = {
    Rule{ModalCause::CliNotInstalled, "no module named 'modal'"},
    Rule{ModalCause::CliNotInstalled, "no module named modal"},
    Rule{ModalCause::CliNotInstalled, "modal: command not found"},
    Rule{ModalCause::EndpointUnauthorized, "credentials for proxy authorization"},
    Rule{ModalCause::EndpointUnauthorized, "proxy authorization"},
    Rule{ModalCause::EndpointNotFound, "modal-http: invalid function call"},
    Rule{ModalCause::EndpointNotFound, "app for invoked web endpoint is stopped"},
    Rule{ModalCause::EndpointNotFound, "web endpoint not found"},
    Rule{ModalCause::TokenMissing, "token missing"},
    Rule{ModalCause::TokenMissing, "could not authenticate client"},
    Rule{ModalCause::TokenInvalid, "token id is malformed"},
    Rule{ModalCause::TokenInvalid, "token secret is malformed"},
    Rule{ModalCause::TokenInvalid, "invalid token"},
    Rule{ModalCause::TokenInvalid, "token is invalid"},
    Rule{ModalCause::TokenInvalid, "token has expired"},
    Rule{ModalCause::TokenInvalid, "token was revoked"},
    Rule{ModalCause::TokenInvalid, "unauthenticated"},
    Rule{ModalCause::TokenInvalid, "authenticationerror"},
    Rule{ModalCause::AppNotDeployed, "lookup failed for cls"},
    Rule{ModalCause::AppNotDeployed, "lookup failed for function"},
    Rule{ModalCause::AppNotDeployed, "has not been deployed"},
    Rule{ModalCause::AppNotFound, "no app with name"},
    Rule{ModalCause::AppNotFound, "could not find a deployed app"},
    Rule{ModalCause::CudaArchMismatch, "no kernel image is available for execution on the device"},
    Rule{ModalCause::CudaArchMismatch, "unsupported gpu architecture"},
    Rule{ModalCause::CudaArchMismatch, "is not compatible with the current pytorch installation"},
    Rule{ModalCause::CudaArchMismatch, "ptx was compiled with an unsupported toolchain"},
    Rule{ModalCause::CudaArchMismatch, "unsupported ptx version"},
    Rule{ModalCause::CudaArchMismatch, "invalid device function"},
    Rule{ModalCause::Timeout, "functiontimeouterror"},
    Rule{ModalCause::Timeout, "hit its timeout"},
    Rule{ModalCause::Timeout, "function timed out"},
    Rule{ModalCause::Timeout, "timed out after"},
    Rule{ModalCause::Timeout, "deadline exceeded"},
    Rule{ModalCause::Network, "could not connect to the modal server"},
    Rule{ModalCause::Network, "connection refused"},
    Rule{ModalCause::Network, "temporary failure in name resolution"},
    Rule{ModalCause::Network, "name or service not known"},
    Rule{ModalCause::Network, "network is unreachable"},
    Rule{ModalCause::Network, "connectionerror"},
};

std::string detailOf(std::string_view output)
{
    std::string d = extractModalErrorBox(output);
    if (d.empty())
        d = lastTracebackLine(output);
    if (d.empty()) {
        // The last non-empty line, capped.
        const std::string clean = stripAnsi(output);
        std::string_view s = clean;
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
            s.remove_suffix(1);
        const auto nl = s.rfind('\n');
        d = std::string(nl == std::string_view::npos ? s : s.substr(nl + 1));
    }
    if (d.size() > 500)
        d = d.substr(0, 500) + "...";
    return d;
}

} // namespace

ModalDiagnosis classifyModalOutput(std::string_view output, int exitCode)
{
    const std::string text = text::asciiLower(stripAnsi(output));
    for (const auto& rule : kRules)
        if (text.find(rule.needle) != std::string::npos)
            return modalDiagnosisFor(rule.cause, detailOf(output));
    if (exitCode == 0)
        return {};
    if (exitCode == kModalExitNotFound || text.find("command not found") != std::string::npos)
        return modalDiagnosisFor(ModalCause::CliNotInstalled, detailOf(output));
    if (exitCode == kModalExitTimedOut) {
        auto d = modalDiagnosisFor(ModalCause::Timeout, detailOf(output));
        d.summary = "the modal command did not finish in time";
        d.fix = "check the network connection to Modal, or raise the command timeout";
        return d;
    }
    if (exitCode == 2 || text.find("usage: modal") != std::string::npos) {
        auto d = modalDiagnosisFor(ModalCause::UsageError, detailOf(output));
        // click's own words for an option or argument the command does not take: the command
        // line kernelwatch built is wrong for this client, upgrading would not help. 1.5.4
        // prints them as "Error: No such option: --x", 1.4.2 inside an "Error" box (`text` is
        // lower case).
        for (const char* words : {"no such option", "got unexpected extra argument"}) {
            if (text.find(words) == std::string::npos)
                continue;
            d.summary = "kernelwatch passed an option this modal command does not take";
            d.fix = "this is kernelwatch's mistake for your modal version (`modal --version`; kernelwatch "
                    "supports " +
                    std::string(kModalMinVersion) + " and newer): please report it with the detail below";
            break;
        }
        return d;
    }
    return modalDiagnosisFor(ModalCause::Unknown, detailOf(output));
}

ModalDiagnosis classifyModalHttp(long status, std::string_view body)
{
    if ((status >= 200 && status < 300) || status == 303)
        return {};
    std::string excerpt(body.substr(0, 300));
    if (status == 401 || status == 403)
        return modalDiagnosisFor(ModalCause::EndpointUnauthorized, excerpt);
    if (status == 404)
        return modalDiagnosisFor(ModalCause::EndpointNotFound, excerpt);
    if (status == 429)
        return modalDiagnosisFor(ModalCause::RateLimited, excerpt);
    if (status == 408 || status == 504) {
        auto d = modalDiagnosisFor(ModalCause::Timeout, excerpt);
        d.summary = "the endpoint timed out (HTTP " + std::to_string(status) + ")";
        return d;
    }
    if (status >= 500) {
        auto d = modalDiagnosisFor(ModalCause::ServerError, excerpt);
        d.summary = "Modal answered HTTP " + std::to_string(status);
        return d;
    }
    // Other 4xx: maybe a body the classifier knows.
    auto d = classifyModalOutput(body, 1);
    if (d.cause == ModalCause::Unknown || d.cause == ModalCause::UsageError) {
        d.cause = ModalCause::Unknown;
        d.summary = "the endpoint answered HTTP " + std::to_string(status);
        d.fix = status == 400
                    ? "the request was rejected; check that the deployed app matches this kernelwatch "
                      "(redeploy: kernelwatch-cli modal deploy)"
                    : "see the response body";
        d.detail = excerpt;
    }
    return d;
}

} // namespace kw
