#include "core/watch/JsonLineStart.h"

#include "core/base/JsonScanner.h"

namespace kw {

TraceIssue scanFailure(const JsonScanner& s)
{
    return s.truncated() ? TraceIssue::Truncated : TraceIssue::InvalidJson;
}

TraceIssue openObjectLine(JsonScanner& s)
{
    using Kind = JsonScanner::Kind;
    const Kind kind = s.peekKind();
    if (kind == Kind::Object)
        return TraceIssue::None;
    if (kind == Kind::Invalid || kind == Kind::End)
        return TraceIssue::InvalidJson;
    if (!s.skipValue())
        return scanFailure(s);
    s.skipWs();
    return s.atEnd() ? TraceIssue::NotObject : TraceIssue::InvalidJson;
}

} // namespace kw
