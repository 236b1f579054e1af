#pragma once

#include "core/modal/ModalConfig.h"
#include "core/modal/ModalErrorClassifier.h"

#include <nlohmann/json.hpp>

#include <atomic>

namespace kw {

// One blocking request to the web endpoint: POST {"op":"ping"} with the proxy auth headers.
// The deployed modal_app.py answers {"ok":true,"app":…,"default_gpu":…,"max_timeout_s":…,
// "function_timeout_s":…,"protocol":N} without touching a GPU. Used by `modal status` and the
// Troubleshoot panel.
struct ModalProbeResult
{
    bool ok = false;
    long httpStatus = 0;
    nlohmann::json info; // the ping answer when ok
    ModalDiagnosis diagnosis;
    double seconds = 0;
};

// `stop`, when set, aborts the request within about a second (ModalCause::Stopped).
ModalProbeResult probeModalEndpoint(const ModalConfig& config, double timeoutS = 30,
                                    const std::atomic<bool>* stop = nullptr);

} // namespace kw
