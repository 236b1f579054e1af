#include "core/watch/TraceRecord.h"

namespace kw {

std::string_view traceIssueName(TraceIssue i)
{
    switch (i) {
    case TraceIssue::None:
        return "none";
    case TraceIssue::Recovered:
        return "recovered";
    case TraceIssue::Truncated:
        return "truncated";
    case TraceIssue::InvalidJson:
        return "invalid_json";
    case TraceIssue::NotObject:
        return "not_object";
    case TraceIssue::Binary:
        return "binary";
    case TraceIssue::TooLong:
        return "too_long";
    case TraceIssue::MissingFields:
        return "missing_fields";
    }
    return "unknown";
}

std::string_view traceIssueReason(TraceIssue i)
{
    switch (i) {
    case TraceIssue::None:
        return "ok";
    case TraceIssue::Recovered:
        return "truncated fragment before a valid record";
    case TraceIssue::Truncated:
        return "truncated line (ends inside the record)";
    case TraceIssue::InvalidJson:
        return "not valid JSON";
    case TraceIssue::NotObject:
        return "JSON but not an object";
    case TraceIssue::Binary:
        return "binary data (NUL bytes)";
    case TraceIssue::TooLong:
        return "line longer than the limit";
    case TraceIssue::MissingFields:
        return "object without eval_result";
    }
    return "unknown";
}

bool stepIsExact(StepSource s)
{
    return s == StepSource::Line || s == StepSource::Tensorboard;
}

std::string_view stepSourceName(StepSource s)
{
    switch (s) {
    case StepSource::None:
        return "none";
    case StepSource::Line:
        return "line";
    case StepSource::Metrics:
        return "metrics";
    case StepSource::Arrival:
        return "arrival";
    case StepSource::Assumed:
        return "assumed";
    case StepSource::Tensorboard:
        return "tensorboard";
    case StepSource::Checkpoint:
        return "checkpoint";
    case StepSource::Estimated:
        return "estimated";
    }
    return "none";
}

std::string TraceRecord::problem() const
{
    std::string p = level >= 0 ? "level" + std::to_string(level) : std::string("level?");
    p += '/';
    p += problemId.empty() ? std::string_view("?") : problemId;
    return p;
}

} // namespace kw
