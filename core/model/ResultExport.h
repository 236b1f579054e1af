#pragma once

#include "core/model/EvalResult.h"
#include "core/model/HistoryStore.h"

#include <string>

namespace kw::exportfmt {

// CSV (RFC 4180 quoting) of the light rows, for spreadsheets. Header first. The interval and
// timing verdict come from the row, else the full result; then the torch.compile speedup and
// interval, % of speed of light and its bound, faster_than_light; last the error message, from the
// full result (empty without it, `full` null).
std::string csvHeader();
std::string csvRow(const HistoryRow& row, const EvalResult* full = nullptr);
std::string csvField(const std::string& s);

// One JSON object per line: the full result without code (code stays in the store).
std::string jsonlLine(const EvalResult& result);

// Local time "2026-11-24 17:22:05" for a unix timestamp.
std::string formatTime(double unixSeconds);

} // namespace kw::exportfmt
