#pragma once

#include "core/watch/TraceRecord.h"

namespace kw {

class JsonScanner;

// What the line parsers (traces, metrics) share: why a scan stopped, and whether a line is a JSON
// object at all.

// Truncated when the scanner ran out of input mid-value, else InvalidJson.
TraceIssue scanFailure(const JsonScanner& s);

// At the start of a line: None when the next value is an object (nothing consumed); else NotObject
// (a whole valid JSON value of another kind), Truncated or InvalidJson.
TraceIssue openObjectLine(JsonScanner& s);

} // namespace kw
