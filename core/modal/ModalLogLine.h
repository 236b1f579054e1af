#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace kw {

// One line of `modal app logs` / `modal container logs` output. modal 1.4.2 and 1.5.4 print
// "[TIMESTAMP ][CONTAINER_ID ]MESSAGE": `--timestamps` gives "2026-12-06 22:00:00-08:00" (the
// client's time zone), `--show-container-id` (app logs only) "ta-…", each followed by one space.
// Every line of a multi-line log entry carries the prefixes. The message keeps its own leading
// spaces. Other orders and bracketed prefixes are read too; colour escapes are removed.
struct ModalLogLine
{
    std::string timestamp;   // as printed, e.g. "2026-12-06 22:00:00-08:00"
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
