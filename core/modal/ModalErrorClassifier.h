#pragma once

#include <string>
#include <string_view>

namespace kw {

// Why a Modal operation failed, read from what the modal client (or the web endpoint) said.
enum class ModalCause
{
    None,                 // no failure
    CliNotInstalled,      // `modal` not on PATH, or its Python package is missing
    TokenMissing,         // no credentials at all
    TokenInvalid,         // credentials rejected, malformed, expired
    AppNotFound,          // "No App with name 'X' found in the 'ENV' environment."
    AppNotDeployed,       // "Lookup failed for Cls 'KernelEvaluator' ..."
    EndpointUnauthorized, // 401 from modal-http: proxy auth missing or rejected
    EndpointNotFound,     // 404: no such web endpoint (not deployed, stopped, wrong URL)
    RateLimited,          // 429
    ServerError,          // 5xx from Modal
    Timeout,              // function or command timed out
    CudaArchMismatch,     // compiled for another GPU architecture / unsupported by the toolchain
    Network,              // could not reach Modal
    UsageError,           // bad command line (exit code 2)
    Stopped,              // the caller's stop flag ended the command before it answered
    Unknown,
};

std::string_view modalCauseName(ModalCause c);

struct ModalDiagnosis
{
    ModalCause cause = ModalCause::None;
    std::string summary; // what happened, one line
    std::string fix;     // what to do, one line
    std::string detail;  // the error text that was recognised (error box, traceback line, body)

    bool ok() const { return cause == ModalCause::None; }
    std::string message() const; // "summary: fix"
};

// Exit codes that the runner uses for a process that could not run: 127 = not found / not
// executable, 124 = killed by the runner's timeout.
inline constexpr int kModalExitNotFound = 127;
inline constexpr int kModalExitTimedOut = 124;

// Classifies the combined stdout+stderr and exit code of one `modal` command. Exit code 0
// with no recognised failure gives ModalCause::None.
ModalDiagnosis classifyModalOutput(std::string_view output, int exitCode);

// Classifies a web endpoint answer (HTTP status and the start of its body). 2xx and 303 give None.
ModalDiagnosis classifyModalHttp(long httpStatus, std::string_view body);

// The diagnosis of a known cause with its standard summary and fix.
ModalDiagnosis modalDiagnosisFor(ModalCause cause, std::string detail = {});

} // namespace kw
