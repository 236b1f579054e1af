#pragma once

#include "core/modal/ModalLogLine.h"
#include "core/model/EvalResult.h"

#include <optional>
#include <string>

namespace kw {

// The EvalResult carried by one `KERNELWATCH_EVAL {json}` line of the deployed app's log stream
// (toJson(result, false) as the Modal app prints it): read leniently (resultFromJson), with
// source "modal", the line's container id in worker.containerId when the payload has none, the
// log timestamp in metadata.log_timestamp, and an id: the payload's own, else a stable hash of
// the payload and container, so that the same line replayed after a reconnect is the same
// result. nullopt for lines without a payload. Pure; never throws.
std::optional<EvalResult> modalLogLineToResult(const ModalLogLine& line);

} // namespace kw
