#include "core/watch/MetricsLineCollector.h"

#include "core/watch/MetricsLineParser.h"

#include <algorithm>

namespace kw {

void MetricsLineCollector::onLine(std::uint64_t offset, std::uint32_t lineNo, std::string_view line)
{
    if (std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; }))
        return;
    ++lines;
    MetricsRecord rec;
    rec.offset = offset;
    rec.lineNo = lineNo;
    if (parseMetricsLine(line, rec) == TraceIssue::None)
        records.push_back(std::move(rec));
    else
        notes[std::string(metricsIssueReason(rec.issue))]++;
}

void MetricsLineCollector::onOverlongLine(std::uint64_t, std::uint32_t, std::uint64_t)
{
    ++lines;
    notes[std::string(metricsIssueReason(TraceIssue::TooLong))]++;
}

void MetricsLineCollector::onReset(TailReset why)
{
    clear();
    resets.push_back(why);
}

void MetricsLineCollector::clear()
{
    records.clear();
    notes.clear();
    lines = 0;
}

} // namespace kw
