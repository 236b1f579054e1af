#pragma once

#include "core/watch/MetricsRecord.h"

#include <string_view>

namespace kw {

// Pure parser of one metrics.jsonl line. The caller sets rec.offset and rec.lineNo; the rest is
// reset and filled. Needs an object with an integer "step" (else issue MissingFields); numbers
// (NaN and Infinity included, as Python writes them) are kept, other values ignored; nested
// objects are not flattened. Never throws; any input is safe (fuzzed).
TraceIssue parseMetricsLine(std::string_view line, MetricsRecord& rec);

// A readable phrase for a metrics line's issue ("missing step", ...).
std::string_view metricsIssueReason(TraceIssue issue);

} // namespace kw
