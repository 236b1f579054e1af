#include "core/watch/TraceResultBuilder.h"

#include "core/base/JsonSanitizer.h"
#include "core/base/JsonScanner.h"

#include <cmath>
#include <cstdio>

namespace kw {

namespace {

constexpr std::size_t kMaxErrorBytes = 64u << 10;

std::optional<double> opt(double v)
{
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

nlohmann::json numOrNull(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json parseLenient(std::string_view raw)
{
    if (raw.empty() || jsonNestingDepth(raw, 64) >= 64)
        return nullptr;
    try {
        return nlohmann::json::parse(sanitizeJson(raw));
    } catch (const std::exception&) {
        return nullptr;
    }
}

nlohmann::json breakdownJson(const TraceRecord& rec, std::string_view raw)
{
    nlohmann::json j = parseLenient(raw);
    if (j.is_object())
        return j;
    const RewardBreakdown& b = rec.breakdown;
    nlohmann::json out = nlohmann::json::object();
    const std::pair<const char*, float> parts[] = {
        {"reward_format", b.format}, {"reward_compile", b.compile}, {"reward_correctness", b.correctness},
        {"reward_speed", b.speed},   {"reward_length", b.length},   {"reward_thinking", b.thinking},
        {"reward_total", b.total},
    };
    for (const auto& [k, v] : parts)
        if (!std::isnan(v))
            out[k] = static_cast<double>(v);
    return out;
}

} // namespace

std::string traceResultId(std::string_view run, std::uint64_t idHash)
{
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : run) {
        h ^= c;
        h *= 1099511628211ull;
    }
    for (int i = 0; i < 8; ++i) {
        h ^= static_cast<unsigned char>(idHash >> (8 * i));
        h *= 1099511628211ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "run-%016llx", static_cast<unsigned long long>(h));
    return buf;
}

EvalResult buildTraceResult(const TraceRecord& rec, const TraceLineSpans& spans, const TraceContext& ctx)
{
    EvalResult r;
    nlohmann::json ev = parseLenient(spans.evalResult);
    if (ev.is_object()) {
        r = resultFromJson(ev);
    } else {
        r.compiled = rec.compiled;
        r.correctness = rec.correctness;
        r.cheated = rec.cheated;
        r.testsPassed = rec.testsPassed < 0 ? 0 : rec.testsPassed;
        r.testsTotal = rec.testsTotal < 0 ? 0 : rec.testsTotal;
        r.speedup = opt(rec.speedup);
        r.runtimeMs = opt(rec.runtimeMs);
        r.baselineRuntimeMs = opt(rec.baselineMs);
        r.errorMessage = JsonScanner::decodeString(spans.errorMessage, kMaxErrorBytes);
    }
    if (!r.metadata.is_object())
        r.metadata = nlohmann::json::object();

    r.id = traceResultId(ctx.run, rec.idHash);
    r.status = rec.status;
    r.formatOk = rec.formatOk;
    r.cheated = r.cheated || rec.cheated;
    if (std::isfinite(rec.timestamp) && rec.timestamp > 0)
        r.createdAt = r.finishedAt = rec.timestamp;

    EvalRequest req;
    req.id = r.id;
    req.source = "run";
    req.run = ctx.run;
    req.step = rec.step;
    req.turn = rec.turn;
    req.problem = rec.problem();
    req.backend = rec.backend.empty() ? std::string() : std::string(rec.backend);
    req.target = ctx.target;
    req.gpuType = ctx.gpuType;
    req.device = ctx.target;
    req.kernelPath = ctx.tracesPath;
    // What the run asked for, not the request defaults; unknown settings say so in metadata.
    if (ctx.timeoutS > 0)
        req.timeoutS = ctx.timeoutS;
    if (ctx.numCorrectTrials > 0)
        req.numCorrectTrials = ctx.numCorrectTrials;
    if (ctx.measurePerformance >= 0)
        req.measurePerformance = ctx.measurePerformance == 1;
    r.request = std::move(req);
    // kernel_rl's evaluator names the GPU in metadata.hardware (e.g. "NVIDIA A100-SXM4-40GB").
    if (r.device.name.empty()) {
        if (auto hw = r.metadata.find("hardware"); hw != r.metadata.end() && hw->is_string())
            r.device.name = hw->get<std::string>();
        else if (auto dev = r.metadata.find("device"); dev != r.metadata.end() && dev->is_string())
            r.device.name = dev->get<std::string>();
    }
    r.device.target = ctx.gpuType.empty() ? ctx.target : ctx.target + ":" + ctx.gpuType;
    if (r.worker.containerId.empty() && r.metadata.contains("container_id") &&
        r.metadata["container_id"].is_string())
        r.worker.containerId = r.metadata["container_id"].get<std::string>();

    nlohmann::json& m = r.metadata;
    m["reward"] = numOrNull(rec.reward);
    m["reward_breakdown"] = breakdownJson(rec, spans.rewardBreakdown);
    m["mode"] = std::string(rec.mode);
    m["level"] = rec.level;
    m["problem_id"] = std::string(rec.problemId);
    m["max_turns"] = rec.maxTurns;
    m["step_source"] = std::string(stepSourceName(rec.stepSource));
    m["trace"] = {
        {"path", ctx.tracesPath}, {"offset", rec.offset}, {"length", rec.length}, {"line", rec.lineNo}};
    return r;
}

} // namespace kw
