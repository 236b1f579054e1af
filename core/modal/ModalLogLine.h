#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace kw {

// One line of `modal app logs` / `modal container logs` output. With `--timestamps` and
// `--show-container-id` the line starts with a timestamp and/or a container id ("ta-..."),
// in either order, bare or in brackets; colour escapes are removed.
struct ModalLogLine
{
    std::string timestamp;   // as printed, e.g. "2026-08-21T16:38:10.123456+00:00"
    std::string containerId; // "ta-..." or empty
    std::string message;     // the rest of the line

    // A `KERNELWATCH_EVAL {json}` line: the result object (without code).
    std::optional<nlohmann::json> eval;
    std::string evalError; // the marker was there but the JSON was not an object
};

inline constexpr std::string_view kModalEvalMarker = "KERNELWATCH_EVAL ";

// Pure: never throws, whatever the input.
ModalLogLine parseModalLogLine(std::string_view line);

// The JSON object after `KERNELWATCH_EVAL ` in `text`, or nullopt (error set when the marker
// is there but what follows is not a JSON object).
std::optional<nlohmann::json> extractModalEvalPayload(std::string_view text, std::string* error = nullptr);

// Removes ANSI escape sequences (colours, cursor moves) that rich prints to a terminal.
std::string stripAnsi(std::string_view text);

} // namespace kw
