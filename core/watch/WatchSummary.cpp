#include "core/watch/WatchSummary.h"

#include <cmath>
#include <cstdio>

namespace kw {

void WatchSummary::addResult(const EvalResult& r)
{
    ++m_results;
    m_statuses[std::string(statusName(r.status))]++;
    // Noise and times below the speed of light are never a best (issue 13); kernel_rl's own
    // records carry no interval or verdict and are listed by their speedup.
    const bool untrustworthy =
        (r.timingQuality && r.timingQuality->untrustworthy()) || r.hasFlag(kFasterThanLightFlag);
    if (r.status == EvalStatus::Correct && !r.cheated && !untrustworthy && r.speedup &&
        std::isfinite(*r.speedup)) {
        Best& b = m_best[r.request.problem];
        if (b.id.empty() || *r.speedup > b.speedup)
            b = Best{*r.speedup, r.request.run, r.id, r.request.step, r.request.turn};
    }
}

void WatchSummary::setRunStats(const std::string& run, const RunWatchStats& stats)
{
    m_runs[run] = stats;
}

std::uint64_t WatchSummary::skippedLines() const
{
    std::uint64_t n = 0;
    for (const auto& [run, s] : m_runs)
        n += s.traceLines - s.records;
    return n;
}

nlohmann::json WatchSummary::toJson() const
{
    nlohmann::json j;
    j["results"] = m_results;
    j["statuses"] = m_statuses;
    nlohmann::json best = nlohmann::json::object();
    for (const auto& [problem, b] : m_best)
        best[problem] = {
            {"speedup", b.speedup}, {"run", b.run}, {"step", b.step}, {"turn", b.turn}, {"id", b.id}};
    j["best_speedup"] = best;
    nlohmann::json runs = nlohmann::json::object();
    for (const auto& [run, s] : m_runs) {
        runs[run] = {{"trace_lines", s.traceLines},
                     {"records", s.records},
                     {"skipped_lines", s.traceLines - s.records},
                     {"notes", s.skipped},
                     {"blank_lines", s.blankLines},
                     {"metrics_lines", s.metricsLines},
                     {"metrics_steps", s.metricsRecords},
                     {"metrics_skipped", s.metricsSkipped},
                     {"stored_new", s.resultsNew},
                     {"store_errors", s.storeErrors},
                     {"resets", s.resets},
                     {"partial_last_line_bytes", s.pendingBytes},
                     {"bytes_read", s.bytesRead}};
    }
    j["runs"] = runs;
    j["skipped_lines"] = skippedLines();
    return j;
}

std::string WatchSummary::toText() const
{
    std::string out;
    char buf[512];
    std::snprintf(buf, sizeof buf, "summary: %llu evaluations", static_cast<unsigned long long>(m_results));
    out += buf;
    if (!m_statuses.empty()) {
        out += " (";
        bool first = true;
        for (const auto& [st, n] : m_statuses) {
            std::snprintf(buf, sizeof buf, "%s%s %llu", first ? "" : ", ", st.c_str(),
                          static_cast<unsigned long long>(n));
            out += buf;
            first = false;
        }
        out += ")";
    }
    out += "\n";
    for (const auto& [run, s] : m_runs) {
        std::snprintf(
            buf, sizeof buf,
            "  run %s: %llu trace lines, %llu evaluations, %llu skipped; %llu metrics steps; %llu new in the "
            "store\n",
            run.c_str(), static_cast<unsigned long long>(s.traceLines),
            static_cast<unsigned long long>(s.records),
            static_cast<unsigned long long>(s.traceLines - s.records),
            static_cast<unsigned long long>(s.metricsRecords), static_cast<unsigned long long>(s.resultsNew));
        out += buf;
        for (const auto& [reason, n] : s.skipped) {
            std::snprintf(buf, sizeof buf, "    %6llu  %s\n", static_cast<unsigned long long>(n),
                          reason.c_str());
            out += buf;
        }
        for (const auto& [reason, n] : s.metricsSkipped) {
            std::snprintf(buf, sizeof buf, "    %6llu  metrics.jsonl: %s\n",
                          static_cast<unsigned long long>(n), reason.c_str());
            out += buf;
        }
        if (s.pendingBytes > 0) {
            std::snprintf(buf, sizeof buf, "    partial last line of %llu bytes not read yet (no newline)\n",
                          static_cast<unsigned long long>(s.pendingBytes));
            out += buf;
        }
        if (s.storeErrors > 0) {
            std::snprintf(buf, sizeof buf, "    %llu results could not be stored\n",
                          static_cast<unsigned long long>(s.storeErrors));
            out += buf;
        }
    }
    if (!m_best.empty()) {
        out += "best speedup per problem (correct, not rejected, timing not noisy):\n";
        for (const auto& [problem, b] : m_best) {
            std::snprintf(buf, sizeof buf, "  %-40s %8.3fx  run %s step %d turn %d\n", problem.c_str(),
                          b.speedup, b.run.c_str(), b.step, b.turn);
            out += buf;
        }
    }
    return out;
}

} // namespace kw
