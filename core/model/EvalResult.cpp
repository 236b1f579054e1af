#include "core/model/EvalResult.h"

#include "core/model/LegacyStatus.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace kw {

using nlohmann::json;

double nowUnixSeconds()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool EvalResult::hasFlag(std::string_view f) const
{
    return std::find(flags.begin(), flags.end(), f) != flags.end();
}

EvalResult EvalResult::infraError(const EvalRequest& req, std::string message)
{
    EvalResult r;
    r.id = req.id;
    r.request = req;
    r.request.seedSecret.clear();
    r.status = EvalStatus::InfraError;
    r.errorMessage = std::move(message);
    r.codeLength = static_cast<long long>(req.kernelCode.size());
    r.createdAt = r.finishedAt = nowUnixSeconds();
    r.device.target = req.target == "modal" ? "modal:" + req.gpuType : req.device;
    if (r.errorMessage == "cancelled" || r.errorMessage.rfind("cancelled:", 0) == 0)
        r.metadata["cancelled"] = true;
    return r;
}

std::string EvalResult::notRunReason() const
{
    if (status != EvalStatus::InfraError || !metadata.is_object())
        return {};
    const auto kind = metadata.find("error_kind");
    if (kind == metadata.end() || !kind->is_string() || kind->get<std::string>() != "setup")
        return {};
    return metadata.contains("size_check") ? "too large" : "setup";
}

bool EvalResult::isCancelled() const
{
    if (status != EvalStatus::InfraError)
        return false;
    if (metadata.is_object()) {
        const auto it = metadata.find("cancelled");
        if (it != metadata.end() && it->is_boolean())
            return it->get<bool>();
    }
    return errorMessage == "cancelled" || errorMessage.rfind("cancelled:", 0) == 0;
}

const BaselineTiming* EvalResult::baseline(std::string_view name) const
{
    for (const auto& b : baselines)
        if (b.name == name)
            return &b;
    return nullptr;
}

WinVerdict significance(EvalStatus status, bool untrustworthyTiming, bool fasterThanLight,
                        const std::optional<SpeedupInterval>& ci, double p)
{
    if (status != EvalStatus::Correct || untrustworthyTiming || fasterThanLight)
        return WinVerdict::NotAWin;
    if (!ci)
        return WinVerdict::Unknown;
    return ci->low > p ? WinVerdict::Win : WinVerdict::NotAWin;
}

WinVerdict significantWin(const EvalResult& r)
{
    return significantlyAbove(r, 1.0);
}

WinVerdict significantlyAbove(const EvalResult& r, double p)
{
    return significantlyAbove(r, p, Baseline::Eager);
}

namespace {
const BaselineTiming* measured(const EvalResult& r, const char* name)
{
    const BaselineTiming* b = r.baseline(name);
    return b && b->error.empty() ? b : nullptr;
}
} // namespace

std::optional<double> speedupAgainst(const EvalResult& r, Baseline b)
{
    if (b == Baseline::Eager && r.speedup)
        return r.speedup;
    const BaselineTiming* t = measured(r, b == Baseline::Compile ? "compile" : "eager");
    return t ? t->speedup : std::nullopt;
}

std::optional<SpeedupInterval> speedupInterval(const EvalResult& r, Baseline b)
{
    if (b == Baseline::Eager && r.speedupCi)
        return r.speedupCi;
    const BaselineTiming* t = measured(r, b == Baseline::Compile ? "compile" : "eager");
    return t ? t->speedupCi : std::nullopt;
}

WinVerdict significantlyAbove(const EvalResult& r, double p, Baseline b)
{
    return significance(r.status, r.timingQuality && r.timingQuality->untrustworthy(),
                        r.hasFlag(kFasterThanLightFlag), speedupInterval(r, b), p);
}

int significantlyFaster(const EvalResult& a, const EvalResult& b)
{
    const auto usable = [](const EvalResult& r) {
        return r.status == EvalStatus::Correct && r.speedupCi &&
               !(r.timingQuality && r.timingQuality->untrustworthy());
    };
    if (!usable(a) || !usable(b))
        return 0;
    if (a.speedupCi->low > b.speedupCi->high)
        return -1;
    if (b.speedupCi->low > a.speedupCi->high)
        return 1;
    return 0;
}

namespace {

json statsJson(const std::optional<RuntimeStats>& s)
{
    if (!s)
        return nullptr;
    return json{{"mean", s->mean}, {"median", s->median}, {"std", s->std},
                {"min", s->min},   {"max", s->max},       {"n", s->n}};
}

json optNum(const std::optional<double>& v)
{
    if (!v || !std::isfinite(*v))
        return nullptr;
    return *v;
}

// Lenient readers: wrong types and absent keys leave the default.
template <typename T> void rd(const json& j, const char* key, T& out)
{
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return;
    try {
        out = it->get<T>();
    } catch (const json::exception&) {
    }
}

void rdNum(const json& j, const char* key, std::optional<double>& out)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_number())
        return;
    double v = it->get<double>();
    if (std::isfinite(v))
        out = v;
}

std::optional<RuntimeStats> rdStats(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_object())
        return std::nullopt;
    RuntimeStats s;
    rd(*it, "mean", s.mean);
    rd(*it, "median", s.median);
    rd(*it, "std", s.std);
    rd(*it, "min", s.min);
    rd(*it, "max", s.max);
    rd(*it, "n", s.n);
    return s;
}

std::optional<SpeedupInterval> rdInterval(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number())
        return std::nullopt;
    const double lo = (*it)[0].get<double>(), hi = (*it)[1].get<double>();
    if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
        return std::nullopt;
    return SpeedupInterval{lo, hi};
}

std::vector<std::string> rdStrings(const json& j, const char* key)
{
    std::vector<std::string> out;
    if (auto it = j.find(key); it != j.end() && it->is_array())
        for (const auto& v : *it)
            if (v.is_string())
                out.push_back(v.get<std::string>());
    return out;
}

std::optional<TimingQuality> rdQuality(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_object())
        return std::nullopt;
    TimingQuality q;
    rd(*it, "verdict", q.verdict);
    q.reasons = rdStrings(*it, "reasons");
    rd(*it, "trials", q.trials);
    rd(*it, "baseline_trials", q.baselineTrials);
    if (auto la = it->find("load_avg"); la != it->end() && la->is_array())
        for (const auto& v : *la)
            if (v.is_number())
                q.loadAvg.push_back(v.get<double>());
    rd(*it, "cpu_count", q.cpuCount);
    q.busyProcesses = rdStrings(*it, "busy_processes");
    return q;
}

json qualityJson(const std::optional<TimingQuality>& q)
{
    if (!q)
        return nullptr;
    return json{{"verdict", q->verdict},
                {"reasons", q->reasons},
                {"trials", q->trials},
                {"baseline_trials", q->baselineTrials},
                {"load_avg", q->loadAvg},
                {"cpu_count", q->cpuCount},
                {"busy_processes", q->busyProcesses}};
}

json intervalJson(const std::optional<SpeedupInterval>& ci)
{
    return ci ? json::array({ci->low, ci->high}) : json(nullptr);
}

json baselinesJson(const std::vector<BaselineTiming>& baselines)
{
    json out = json::object();
    for (const auto& b : baselines) {
        json e = json::object();
        if (!b.mode.empty())
            e["mode"] = b.mode;
        if (!b.error.empty()) {
            e["error"] = b.error;
        } else {
            e["runtime_ms"] = optNum(b.runtimeMs);
            e["stats"] = statsJson(b.stats);
            e["speedup"] = optNum(b.speedup);
            e["speedup_ci"] = intervalJson(b.speedupCi);
            if (b.compileS || b.name == "compile") {
                e["compile_s"] = optNum(b.compileS);
                e["cache_hit"] = b.cacheHit;
            }
        }
        out[b.name] = std::move(e);
    }
    return out;
}

std::vector<BaselineTiming> rdBaselines(const json& j)
{
    std::vector<BaselineTiming> out;
    if (!j.is_object())
        return out;
    for (const auto& [name, e] : j.items()) {
        if (!e.is_object())
            continue;
        BaselineTiming b;
        b.name = name;
        rd(e, "mode", b.mode);
        rd(e, "error", b.error);
        rdNum(e, "runtime_ms", b.runtimeMs);
        rdNum(e, "speedup", b.speedup);
        rdNum(e, "compile_s", b.compileS);
        b.speedupCi = rdInterval(e, "speedup_ci");
        b.stats = rdStats(e, "stats");
        rd(e, "cache_hit", b.cacheHit);
        out.push_back(std::move(b));
    }
    // Eager first (the kernel_rl speedup), the rest in name order.
    std::stable_partition(out.begin(), out.end(), [](const BaselineTiming& b) { return b.name == "eager"; });
    return out;
}

json solJson(const std::optional<SpeedOfLight>& s)
{
    if (!s)
        return nullptr;
    if (!s->unavailable.empty())
        return json{{"unavailable", s->unavailable}};
    return json{{"device", s->device},
                {"precision", s->precision},
                {"flops", s->flops},
                {"flops_estimated", s->flopsEstimated},
                {"bytes", s->bytes},
                {"peak_flops_per_s", s->peakFlopsPerS},
                {"peak_bytes_per_s", s->peakBytesPerS},
                {"peaks", s->peaks},
                {"time_ms", s->timeMs},
                {"bound", s->bound},
                {"percent", s->percent},
                {"arithmetic_intensity", s->arithmeticIntensity},
                {"achieved_flops_per_s", s->achievedFlopsPerS},
                {"achieved_bytes_per_s", s->achievedBytesPerS},
                {"floor_ms", s->floorMs}};
}

std::optional<SpeedOfLight> rdSol(const json& j)
{
    if (!j.is_object())
        return std::nullopt;
    SpeedOfLight s;
    rd(j, "unavailable", s.unavailable);
    rd(j, "device", s.device);
    rd(j, "precision", s.precision);
    rd(j, "flops", s.flops);
    rd(j, "flops_estimated", s.flopsEstimated);
    rd(j, "bytes", s.bytes);
    rd(j, "peak_flops_per_s", s.peakFlopsPerS);
    rd(j, "peak_bytes_per_s", s.peakBytesPerS);
    rd(j, "peaks", s.peaks);
    rd(j, "time_ms", s.timeMs);
    rd(j, "bound", s.bound);
    rd(j, "percent", s.percent);
    rd(j, "arithmetic_intensity", s.arithmeticIntensity);
    rd(j, "achieved_flops_per_s", s.achievedFlopsPerS);
    rd(j, "achieved_bytes_per_s", s.achievedBytesPerS);
    rd(j, "floor_ms", s.floorMs);
    return s;
}

// A key at the top level, else its copy in metadata (older cores keep metadata whole).
const json& topOrMetadata(const json& j, const char* key)
{
    static const json kNull;
    if (auto it = j.find(key); it != j.end() && !it->is_null())
        return *it;
    if (auto m = j.find("metadata"); m != j.end() && m->is_object())
        if (auto it = m->find(key); it != m->end())
            return *it;
    return kNull;
}

} // namespace

json toJson(const EvalResult& r, bool withCode)
{
    json req = r.request;
    req.erase("seed_secret");
    if (!withCode) {
        req.erase("ref_code");
        req.erase("kernel_code");
    }
    json j{
        {"format_ok", r.formatOk},
        {"compiled", r.compiled},
        {"correctness", r.correctness},
        {"tests_passed", r.testsPassed},
        {"tests_total", r.testsTotal},
        {"speedup", optNum(r.speedup)},
        {"runtime_ms", optNum(r.runtimeMs)},
        {"baseline_runtime_ms", optNum(r.baselineRuntimeMs)},
        {"cheated", r.cheated},
        {"error_message", r.errorMessage},
        {"code_length", r.codeLength},
        {"metadata", r.metadata},
        {"id", r.id},
        {"status", std::string(statusName(r.status))},
        {"flags", r.flags},
        {"runtime_stats", statsJson(r.runtimeStats)},
        {"baseline_stats", statsJson(r.baselineStats)},
        {"timings",
         {{"queued", r.timings.queued},
          {"compile", r.timings.compile},
          {"correctness", r.timings.correctness},
          {"perf", r.timings.perf},
          {"total", r.timings.total}}},
        {"device", {{"name", r.device.name}, {"arch", r.device.arch}, {"target", r.device.target}}},
        {"worker",
         {{"pid", r.worker.pid}, {"gpu_index", r.worker.gpuIndex}, {"container_id", r.worker.containerId}}},
        {"log_tail", r.logTail},
        {"created_at", r.createdAt},
        {"finished_at", r.finishedAt},
        {"cost_usd", optNum(r.costUsd)},
        {"isolation", r.isolation},
        {"speedup_ci", intervalJson(r.speedupCi)},
        {"timing_quality", qualityJson(r.timingQuality)},
        {"baselines", baselinesJson(r.baselines)},
        {"sol", solJson(r.sol)},
        {"request", std::move(req)}};
    return j;
}

EvalResult resultFromJson(const json& j)
{
    EvalResult r;
    if (!j.is_object())
        return r;
    rd(j, "format_ok", r.formatOk);
    rd(j, "compiled", r.compiled);
    rd(j, "correctness", r.correctness);
    rd(j, "tests_passed", r.testsPassed);
    rd(j, "tests_total", r.testsTotal);
    rdNum(j, "speedup", r.speedup);
    rdNum(j, "runtime_ms", r.runtimeMs);
    rdNum(j, "baseline_runtime_ms", r.baselineRuntimeMs);
    rd(j, "cheated", r.cheated);
    rd(j, "error_message", r.errorMessage);
    rd(j, "code_length", r.codeLength);
    if (auto it = j.find("metadata"); it != j.end() && it->is_object())
        r.metadata = *it;
    rd(j, "id", r.id);
    std::string st;
    rd(j, "status", st);
    r.status = parseEvalStatus(st).value_or(EvalStatus::Unknown);
    if (auto it = j.find("flags"); it != j.end() && it->is_array())
        for (const auto& f : *it)
            if (f.is_string())
                r.flags.push_back(f.get<std::string>());
    r.runtimeStats = rdStats(j, "runtime_stats");
    r.baselineStats = rdStats(j, "baseline_stats");
    if (auto it = j.find("timings"); it != j.end() && it->is_object()) {
        rd(*it, "queued", r.timings.queued);
        rd(*it, "compile", r.timings.compile);
        rd(*it, "correctness", r.timings.correctness);
        rd(*it, "perf", r.timings.perf);
        rd(*it, "total", r.timings.total);
    }
    if (auto it = j.find("device"); it != j.end() && it->is_object()) {
        rd(*it, "name", r.device.name);
        rd(*it, "arch", r.device.arch);
        rd(*it, "target", r.device.target);
    }
    if (auto it = j.find("worker"); it != j.end() && it->is_object()) {
        rd(*it, "pid", r.worker.pid);
        rd(*it, "gpu_index", r.worker.gpuIndex);
        rd(*it, "container_id", r.worker.containerId);
    }
    rd(j, "log_tail", r.logTail);
    rd(j, "created_at", r.createdAt);
    rd(j, "finished_at", r.finishedAt);
    rdNum(j, "cost_usd", r.costUsd);
    rd(j, "isolation", r.isolation);
    r.speedupCi = rdInterval(j, "speedup_ci");
    r.timingQuality = rdQuality(j, "timing_quality");
    r.baselines = rdBaselines(topOrMetadata(j, "baselines"));
    r.sol = rdSol(topOrMetadata(j, "sol"));
    if (auto it = j.find("request"); it != j.end() && it->is_object()) {
        try {
            r.request = it->get<EvalRequest>();
        } catch (const json::exception&) {
        }
    }
    // Status absent (kernel_rl's own dicts): derive it from the legacy fields.
    if (r.status == EvalStatus::Unknown && st.empty() && j.contains("compiled"))
        r.status = deriveLegacyStatus(j);
    return r;
}

} // namespace kw
