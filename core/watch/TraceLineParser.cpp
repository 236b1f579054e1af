#include "core/watch/TraceLineParser.h"

#include "core/model/LegacyStatus.h"

#include "core/base/JsonScanner.h"
#include "core/base/StringInterner.h"
#include "core/watch/JsonLineStart.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>

namespace kw {

namespace {

using Kind = JsonScanner::Kind;

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

// A finaliser with full avalanche (splitmix64's).
std::uint64_t mix64(std::uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

// 8 bytes at a time (the line hash runs on every line of multi-GB files). Byte order is fixed
// (little-endian words, as on every platform kernelwatch targets), so ids are stable.
std::uint64_t hashBytes(std::uint64_t h, const char* data, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data + i, 8);
        h = (h ^ mix64(w)) * kFnvPrime + 0x2545F4914F6CDD1Dull;
    }
    std::uint64_t last = 0;
    for (std::size_t k = 0; i + k < n; ++k)
        last |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[i + k])) << (8 * k);
    return (h ^ mix64(last ^ (static_cast<std::uint64_t>(n - i) << 56))) * kFnvPrime;
}

// A number, null (kept as NaN) or a value of another type (ignored). False only on bad syntax.
bool readOptNumber(JsonScanner& s, double& out, bool& present)
{
    switch (s.peekKind()) {
    case Kind::Number:
        present = true;
        return s.readNumber(out);
    case Kind::Null:
        present = false;
        return s.readNull();
    default:
        present = false;
        return s.skipValue();
    }
}

bool readNumberField(JsonScanner& s, double& out)
{
    bool present = false;
    double v = TraceRecord::kNone;
    if (!readOptNumber(s, v, present))
        return false;
    if (present)
        out = v;
    return true;
}

template <typename Int> bool readIntField(JsonScanner& s, Int& out)
{
    double v = TraceRecord::kNone;
    if (!readNumberField(s, v))
        return false;
    if (std::isfinite(v) && v >= 0)
        out = static_cast<Int>(std::min<double>(v, static_cast<double>(std::numeric_limits<Int>::max())));
    return true;
}

bool readFloatField(JsonScanner& s, float& out)
{
    double v = TraceRecord::kNone;
    if (!readNumberField(s, v))
        return false;
    out = static_cast<float>(v);
    return true;
}

// true/false, or a number (non-zero = true; kernel_rl's metrics use 0.0/1.0). Others ignored.
bool readBoolish(JsonScanner& s, bool& out)
{
    Kind k = s.peekKind();
    if (k == Kind::True || k == Kind::False)
        return s.readBool(out);
    if (k == Kind::Number) {
        double v = 0;
        if (!s.readNumber(v))
            return false;
        out = std::isfinite(v) && v != 0;
        return true;
    }
    return s.skipValue();
}

std::string_view readInternedText(JsonScanner& s, bool& ok)
{
    Kind k = s.peekKind();
    if (k == Kind::String) {
        std::string_view raw;
        ok = s.rawString(raw);
        return ok ? intern(JsonScanner::decodeString(raw, StringInterner::kMaxLength)) : std::string_view();
    }
    if (k == Kind::Number) {
        double v = 0;
        const std::size_t start = s.pos();
        ok = s.readNumber(v);
        if (!ok)
            return {};
        if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
            return intern(buf);
        }
        std::string_view raw = s.text().substr(start, s.pos() - start);
        while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t'))
            raw.remove_prefix(1);
        return intern(raw);
    }
    ok = s.skipValue();
    return {};
}

// Calls f(key) for each member of the object at the cursor; f must consume the value.
template <typename F> bool forEachMember(JsonScanner& s, F&& f)
{
    if (!s.consume('{'))
        return false;
    if (s.consume('}'))
        return true;
    for (;;) {
        std::string_view key;
        if (!s.rawString(key) || !s.consume(':'))
            return false;
        if (!f(key))
            return false;
        if (s.consume(','))
            continue;
        return s.consume('}');
    }
}

// An object member that may also be null or of another type (then it is skipped).
template <typename F> bool readObject(JsonScanner& s, F&& f, std::string_view* span = nullptr)
{
    if (s.peekKind() != Kind::Object)
        return s.skipValue();
    const std::size_t start = s.pos();
    if (!forEachMember(s, std::forward<F>(f)))
        return false;
    if (span)
        *span = s.text().substr(start, s.pos() - start);
    return true;
}

struct EvalFields
{
    bool formatOkSeen = false, formatOk = true;
    std::string_view statusText;
    bool hasStatus = false;
    std::string_view exceptionType; // metadata.exception_type
    bool runtimeError = false;      // metadata.runtime_error / runtime_error_name present
};

bool readEvalResult(JsonScanner& s, TraceRecord& rec, TraceLineSpans& spans, EvalFields& ev)
{
    return readObject(
        s,
        [&](std::string_view key) {
            if (key == "compiled")
                return readBoolish(s, rec.compiled);
            if (key == "correctness")
                return readBoolish(s, rec.correctness);
            if (key == "cheated")
                return readBoolish(s, rec.cheated);
            if (key == "format_ok") {
                ev.formatOkSeen = true;
                return readBoolish(s, ev.formatOk);
            }
            if (key == "tests_passed")
                return readIntField(s, rec.testsPassed);
            if (key == "tests_total")
                return readIntField(s, rec.testsTotal);
            if (key == "speedup")
                return readNumberField(s, rec.speedup);
            if (key == "runtime_ms")
                return readNumberField(s, rec.runtimeMs);
            if (key == "baseline_runtime_ms")
                return readNumberField(s, rec.baselineMs);
            if (key == "status" && s.peekKind() == Kind::String) {
                ev.hasStatus = true;
                return s.rawString(ev.statusText);
            }
            if (key == "error_message" && s.peekKind() == Kind::String)
                return s.rawString(spans.errorMessage);
            if (key == "metadata")
                return readObject(s, [&](std::string_view k) {
                    if (k == "exception_type" && s.peekKind() == Kind::String)
                        return s.rawString(ev.exceptionType);
                    if (k == "runtime_error" || k == "runtime_error_name") {
                        ev.runtimeError = ev.runtimeError || s.peekKind() != Kind::Null;
                        return s.skipValue();
                    }
                    return s.skipValue();
                });
            return s.skipValue();
        },
        &spans.evalResult);
}

bool readBreakdown(JsonScanner& s, RewardBreakdown& b, std::string_view& span)
{
    return readObject(
        s,
        [&](std::string_view key) {
            if (key.substr(0, 7) == "reward_")
                key.remove_prefix(7);
            if (key == "format")
                return readFloatField(s, b.format);
            if (key == "compile")
                return readFloatField(s, b.compile);
            if (key == "correctness")
                return readFloatField(s, b.correctness);
            if (key == "speed")
                return readFloatField(s, b.speed);
            if (key == "length")
                return readFloatField(s, b.length);
            if (key == "thinking")
                return readFloatField(s, b.thinking);
            if (key == "total")
                return readFloatField(s, b.total);
            return s.skipValue();
        },
        &span);
}

TraceIssue parseObject(std::string_view text, TraceRecord& rec, TraceLineSpans& spans)
{
    JsonScanner s(text);
    if (const TraceIssue issue = openObjectLine(s); issue != TraceIssue::None)
        return issue;

    EvalFields ev;
    bool responseFormatSeen = false, responseFormatOk = true;
    std::int16_t metricsTurn = -1;
    std::int32_t lineStep = -1;
    bool sawEval = false;

    const bool ok = forEachMember(s, [&](std::string_view key) {
        bool good = true;
        switch (key.empty() ? '\0' : key.front()) {
        case 'b':
            if (key == "backend") {
                rec.backend = readInternedText(s, good);
                return good;
            }
            if (key == "batch" || key == "batch_idx")
                return readIntField(s, lineStep);
            break;
        case 'e':
            if (key == "eval_result") {
                sawEval = s.peekKind() == Kind::Object;
                return readEvalResult(s, rec, spans, ev);
            }
            break;
        case 'l':
            if (key == "level")
                return readIntField(s, rec.level);
            break;
        case 'm':
            if (key == "mode") {
                rec.mode = readInternedText(s, good);
                return good;
            }
            if (key == "max_turns")
                return readIntField(s, rec.maxTurns);
            if (key == "metrics")
                return readObject(s, [&](std::string_view k) {
                    if (k == "step")
                        return readIntField(s, lineStep);
                    if (k == "turn")
                        return readIntField(s, metricsTurn);
                    return s.skipValue();
                });
            break;
        case 'p':
            if (key == "problem_id") {
                rec.problemId = readInternedText(s, good);
                return good;
            }
            break;
        case 'r':
            if (key == "reward")
                return readNumberField(s, rec.reward);
            if (key == "reward_breakdown")
                return readBreakdown(s, rec.breakdown, spans.rewardBreakdown);
            if (key == "response")
                return readObject(s, [&](std::string_view k) {
                    if (k == "format_ok") {
                        responseFormatSeen = true;
                        return readBoolish(s, responseFormatOk);
                    }
                    return s.skipValue();
                });
            break;
        case 's':
            if (key == "step")
                return readIntField(s, lineStep);
            if (key == "state")
                return readObject(s, [&](std::string_view k) {
                    if (k == "done")
                        return readBoolish(s, rec.done);
                    if (k == "success")
                        return readBoolish(s, rec.success);
                    return s.skipValue();
                });
            break;
        case 't':
            if (key == "turn")
                return readIntField(s, rec.turn);
            if (key == "timestamp")
                return readNumberField(s, rec.timestamp);
            break;
        default:
            break;
        }
        return s.skipValue();
    });
    if (!ok)
        return scanFailure(s);

    s.skipWs();
    spans.trailingData = !s.atEnd();

    if (rec.turn < 0)
        rec.turn = metricsTurn;
    if (lineStep >= 0) {
        rec.step = lineStep;
        rec.stepSource = StepSource::Line;
    }
    for (double* v : {&rec.speedup, &rec.runtimeMs, &rec.baselineMs}) // as resultFromJson: finite or none
        if (!std::isfinite(*v))
            *v = TraceRecord::kNone;
    rec.formatOk = responseFormatSeen ? responseFormatOk : (ev.formatOkSeen ? ev.formatOk : true);
    rec.hasEvalResult = sawEval;
    if (!sawEval)
        return TraceIssue::MissingFields;
    std::optional<EvalStatus> explicitStatus;
    if (ev.hasStatus)
        explicitStatus = parseEvalStatus(ev.statusText);
    if (explicitStatus) {
        rec.status = *explicitStatus;
    } else {
        LegacyStatusSignals sig;
        sig.compiled = rec.compiled;
        sig.correctness = rec.correctness;
        sig.cheated = rec.cheated;
        sig.errorMessage = spans.errorMessage;
        sig.exceptionType = ev.exceptionType;
        sig.runtimeError = ev.runtimeError;
        rec.status = deriveLegacyStatus(sig);
    }
    return TraceIssue::None;
}

std::uint32_t saturate32(std::uint64_t v)
{
    return v > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<std::uint32_t>(v);
}

TraceIssue parseAt(std::string_view line, std::size_t start, std::uint64_t baseOffset, std::uint32_t lineNo,
                   TraceRecord& rec, TraceLineSpans& spans)
{
    rec = TraceRecord{};
    spans = TraceLineSpans{};
    rec.offset = baseOffset + start;
    rec.lineNo = lineNo;
    const std::string_view text = line.substr(start);
    rec.length = saturate32(text.size());
    rec.idHash = traceLineHash(rec.offset, text);
    spans.recordStart = start;
    rec.issue = parseObject(text, rec, spans);
    return rec.issue;
}

} // namespace

std::uint64_t traceLineHash(std::uint64_t offset, std::string_view line)
{
    std::uint64_t h = mix64(kFnvOffset ^ offset) ^ mix64(line.size() + 0x9E3779B97F4A7C15ull);
    const std::size_t head = std::min<std::size_t>(256, line.size());
    h = hashBytes(h, line.data(), head);
    const std::size_t tail = std::min<std::size_t>(256, line.size() - head);
    return mix64(hashBytes(h, line.data() + line.size() - tail, tail));
}

std::uint64_t traceLineHash(std::uint64_t offset, std::uint64_t length)
{
    return mix64(mix64(kFnvOffset ^ offset) ^ mix64(length + 0x9E3779B97F4A7C15ull));
}

TraceIssue parseTraceLine(std::string_view line, TraceRecord& rec, TraceLineSpans* spansOut)
{
    TraceLineSpans localSpans;
    TraceLineSpans& spans = spansOut ? *spansOut : localSpans;
    const std::uint64_t base = rec.offset;
    const std::uint32_t lineNo = rec.lineNo;

    if (std::memchr(line.data(), '\0', line.size())) {
        parseAt({}, 0, base, lineNo, rec, spans);
        rec.length = saturate32(line.size());
        rec.idHash = traceLineHash(base, line);
        rec.issue = TraceIssue::Binary;
        return rec.issue;
    }

    const TraceIssue first = parseAt(line, 0, base, lineNo, rec, spans);
    if (first != TraceIssue::Truncated && first != TraceIssue::InvalidJson)
        return first;

    // A writer that died mid-line and was restarted leaves "<fragment><complete record>" on one
    // line. Records of one writer start alike, so look for this line's own first bytes again.
    const std::size_t needleLen = std::min<std::size_t>(12, line.size());
    if (needleLen >= 4 && line.front() == '{') {
        const std::string_view needle = line.substr(0, needleLen);
        std::size_t from = 1;
        for (int tries = 0; tries < 4; ++tries) {
            const std::size_t hit = line.find(needle, from);
            if (hit == std::string_view::npos)
                break;
            TraceRecord candidate;
            TraceLineSpans candidateSpans;
            const TraceIssue r = parseAt(line, hit, base, lineNo, candidate, candidateSpans);
            if (r == TraceIssue::None || r == TraceIssue::MissingFields) {
                rec = candidate;
                spans = candidateSpans;
                if (r == TraceIssue::None)
                    rec.issue = TraceIssue::Recovered;
                return rec.issue;
            }
            from = hit + 1;
        }
    }
    return rec.issue; // the first attempt's verdict, with whatever fields it read before failing
}

} // namespace kw
