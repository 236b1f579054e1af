#include "core/watch/MetricsLineParser.h"

#include "core/base/JsonScanner.h"
#include "core/base/StringInterner.h"
#include "core/watch/JsonLineStart.h"

#include <cmath>
#include <cstring>

namespace kw {

namespace {

using Kind = JsonScanner::Kind;

void assignKnown(MetricsRecord& r, std::string_view key, double v)
{
    struct Known
    {
        std::string_view key;
        double MetricsRecord::*field;
    };
    static const Known kKnown[] = {
        {"reward/mean", &MetricsRecord::rewardMean},
        {"reward/std", &MetricsRecord::rewardStd},
        {"reward/min", &MetricsRecord::rewardMin},
        {"reward/max", &MetricsRecord::rewardMax},
        {"kernel/format_rate", &MetricsRecord::formatRate},
        {"kernel/compile_rate", &MetricsRecord::compileRate},
        {"kernel/correct_rate", &MetricsRecord::correctRate},
        {"kernel/cheat_rate", &MetricsRecord::cheatRate},
        {"time/modal_eval_mean", &MetricsRecord::modalEvalMean},
        {"time/modal_eval_max", &MetricsRecord::modalEvalMax},
        // Multi-turn runs log no reward/* or kernel/*: their rates and per-trajectory score.
        {"multiturn/step_score_mean", &MetricsRecord::rewardMean},
        {"multiturn/step_score_std", &MetricsRecord::rewardStd},
        {"multiturn/format_rate", &MetricsRecord::formatRate},
        {"multiturn/compile_rate", &MetricsRecord::compileRate},
        {"multiturn/correct_rate", &MetricsRecord::correctRate},
        {"multiturn/best_speedup_mean", &MetricsRecord::bestSpeedupMean},
        {"multiturn/best_speedup_max", &MetricsRecord::bestSpeedupMax},
        {"time/total", &MetricsRecord::timeTotal},
        {"time/rollout", &MetricsRecord::timeRollout},
        {"timestamp", &MetricsRecord::wallTime},
        {"time", &MetricsRecord::wallTime},
        {"_timestamp", &MetricsRecord::wallTime},
        {"wall_time", &MetricsRecord::wallTime},
    };
    for (const auto& k : kKnown)
        if (k.key == key) {
            r.*(k.field) = v;
            return;
        }
}

TraceIssue parseObject(std::string_view line, MetricsRecord& rec)
{
    JsonScanner s(line);
    if (const TraceIssue issue = openObjectLine(s); issue != TraceIssue::None)
        return issue;
    s.consume('{');
    if (!s.consume('}')) {
        for (;;) {
            std::string_view rawKey;
            if (!s.rawString(rawKey) || !s.consume(':'))
                return scanFailure(s);
            if (s.peekKind() == Kind::Number) {
                double v = 0;
                if (!s.readNumber(v))
                    return scanFailure(s);
                std::string_view key =
                    rawKey.find('\\') == std::string_view::npos
                        ? intern(rawKey)
                        : intern(JsonScanner::decodeString(rawKey, StringInterner::kMaxLength));
                if (key == "step") {
                    if (std::isfinite(v) && v >= 0 && v < 9.0e15 && v == std::floor(v))
                        rec.step = static_cast<std::int64_t>(v);
                } else {
                    assignKnown(rec, key, v);
                    if (rec.values.size() < 4096)
                        rec.values.push_back({key, v});
                }
            } else if (!s.skipValue()) {
                return scanFailure(s);
            }
            if (s.consume(','))
                continue;
            if (s.consume('}'))
                break;
            return scanFailure(s);
        }
    }
    return rec.step >= 0 ? TraceIssue::None : TraceIssue::MissingFields;
}

} // namespace

TraceIssue parseMetricsLine(std::string_view line, MetricsRecord& rec)
{
    const std::uint64_t offset = rec.offset;
    const std::uint32_t lineNo = rec.lineNo;
    rec = MetricsRecord{};
    rec.offset = offset;
    rec.lineNo = lineNo;
    if (std::memchr(line.data(), '\0', line.size()))
        rec.issue = TraceIssue::Binary;
    else
        rec.issue = parseObject(line, rec);
    if (!rec.valid())
        rec.values.clear();
    rec.values.shrink_to_fit();
    return rec.issue;
}

std::string_view metricsIssueReason(TraceIssue issue)
{
    return issue == TraceIssue::MissingFields ? std::string_view("object without an integer step")
                                              : traceIssueReason(issue);
}

} // namespace kw
