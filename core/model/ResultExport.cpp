#include "core/model/ResultExport.h"

#include <cmath>
#include <ctime>

namespace kw::exportfmt {

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

namespace {
std::string num(const std::optional<double>& v, int precision = 6)
{
    if (!v || !std::isfinite(*v))
        return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", precision, *v);
    return buf;
}
} // namespace

std::string formatTime(double unixSeconds)
{
    std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string csvHeader()
{
    return "time,id,source,run,step,turn,problem,backend,target,gpu,status,speedup,runtime_ms,baseline_ms,"
           "duration_s,cost_usd,reward,cheated,speedup_ci_low,speedup_ci_high,timing_verdict,compile_speedup,"
           "compile_ci_low,compile_ci_high,sol_percent,sol_bound,faster_than_light,error\n";
}

std::string csvRow(const HistoryRow& r, const EvalResult* full)
{
    std::string line;
    auto add = [&line](const std::string& f) {
        if (!line.empty())
            line += ',';
        line += csvField(f);
    };
    add(formatTime(r.createdAt));
    add(r.id);
    add(r.source);
    add(r.run);
    add(r.step >= 0 ? std::to_string(r.step) : std::string());
    add(r.turn >= 0 ? std::to_string(r.turn) : std::string());
    add(r.problem);
    add(r.backend);
    add(r.target);
    add(r.gpu);
    add(std::string(statusName(r.status)));
    add(num(r.speedup));
    add(num(r.runtimeMs));
    add(num(r.baselineMs));
    add(num(r.durationS, 4));
    add(num(r.costUsd, 4));
    add(num(r.reward));
    add(r.cheated ? "true" : "false");
    // Rows read from a store carry the interval and verdict; rows made by hand may only have them
    // in the full result.
    const bool ci = !r.speedupCiLow && full && full->speedupCi;
    add(ci ? num(full->speedupCi->low) : num(r.speedupCiLow));
    add(ci ? num(full->speedupCi->high) : num(r.speedupCiHigh));
    add(r.timingVerdict.empty() && full && full->timingQuality ? full->timingQuality->verdict
                                                               : r.timingVerdict);
    add(num(r.compileSpeedup));
    add(num(r.compileCiLow));
    add(num(r.compileCiHigh));
    add(num(r.solPercent, 4));
    add(r.solBound);
    add(r.fasterThanLight ? "true" : "false");
    add(full ? full->errorMessage : std::string()); // last: it is the long one
    return line + "\n";
}

std::string jsonlLine(const EvalResult& result)
{
    return toJson(result, false).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace kw::exportfmt
