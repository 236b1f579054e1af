#include "core/watch/TraceLineCollector.h"

#include "core/watch/TraceLineParser.h"

#include <algorithm>

namespace kw {

namespace {
bool isBlank(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}
} // namespace

void TraceLineCollector::onLine(std::uint64_t offset, std::uint32_t lineNo, std::string_view line)
{
    if (isBlank(line)) {
        ++blank;
        return;
    }
    TraceRecord rec;
    rec.offset = offset;
    rec.lineNo = lineNo;
    TraceLineSpans spans;
    parseTraceLine(line, rec, &spans);
    if (!rec.valid())
        notes[std::string(traceIssueReason(rec.issue))]++;
    if (rec.issue == TraceIssue::Recovered)
        notes[std::string(traceIssueReason(TraceIssue::Recovered))]++;
    if (spans.trailingData)
        notes["trailing data after a record (ignored)"]++;
    if (live && rec.stepSource != StepSource::Line) {
        auto [step, source] = m_steps.stepFor(rec.timestamp);
        rec.step = step;
        rec.stepSource = source;
    }
    if (live && buildResults && rec.valid()) {
        results.push_back(buildTraceResult(rec, spans, m_ctx));
        resultRows.push_back(records.size());
    }
    records.push_back(rec);
}

void TraceLineCollector::onOverlongLine(std::uint64_t offset, std::uint32_t lineNo, std::uint64_t length)
{
    TraceRecord rec;
    rec.offset = offset;
    rec.lineNo = lineNo;
    rec.length = length > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<std::uint32_t>(length);
    rec.idHash = traceLineHash(offset, length);
    rec.issue = TraceIssue::TooLong;
    notes[std::string(traceIssueReason(TraceIssue::TooLong))]++;
    records.push_back(rec);
}

void TraceLineCollector::onReset(TailReset why)
{
    clear();
    resets.push_back(why);
}

void TraceLineCollector::clear()
{
    records.clear();
    results.clear();
    resultRows.clear();
    notes.clear();
    blank = 0;
}

} // namespace kw
