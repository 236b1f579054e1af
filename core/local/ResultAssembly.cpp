#include "core/local/ResultAssembly.h"

#include "core/model/LegacyStatus.h"

#include "core/base/Subprocess.h"
#include "core/local/DevicePlan.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>

namespace kw {

std::string formatSeconds(double s)
{
    char buf[64];
    if (s >= 120 && std::fmod(s, 60.0) == 0)
        std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
    else if (s >= 120)
        std::snprintf(buf, sizeof buf, "%.0f min %.0f s", std::floor(s / 60), std::fmod(s, 60.0));
    else if (s == std::floor(s))
        std::snprintf(buf, sizeof buf, "%.0f s", s);
    else
        std::snprintf(buf, sizeof buf, "%.3g s", s);
    return buf;
}

namespace {

std::string lastLine(const std::string& text)
{
    const auto end = text.find_last_not_of(" \n\r\t");
    if (end == std::string::npos)
        return {};
    const auto nl = text.rfind('\n', end);
    std::string line =
        text.substr(nl == std::string::npos ? 0 : nl + 1, end + 1 - (nl == std::string::npos ? 0 : nl + 1));
    if (line.size() > 300)
        line = line.substr(0, 300) + "...";
    return line;
}

bool stageReached(const std::string& stage, const char* at)
{
    return childStageRank(stage) >= childStageRank(at);
}

} // namespace

EvalResult assembleResult(const EvalRequest& request, const ChildOutcome& o, double createdAt, double queuedS)
{
    EvalResult r;
    const bool haveResult = o.result && o.result->is_object() &&
                            !(o.exited && !o.exited->channelError.empty() && !o.exited->resultReceived);
    if (haveResult)
        r = resultFromJson(*o.result);

    const std::string where = o.mode == "compile" ? " while building on the CPU" : "";
    if (o.cancelled) {
        EvalResult c = EvalResult::infraError(request, "cancelled"); // metadata.cancelled: true
        c.compiled = stageReached(o.lastStage, "checking");
        r = std::move(c);
    } else if (o.timedOut) {
        EvalResult t;
        t.status = EvalStatus::Timeout;
        t.errorMessage = "exceeded the " + formatSeconds(o.timeoutS) + " timeout" + where;
        if (!o.lastStage.empty())
            t.errorMessage += " (stage: " + o.lastStage + ")";
        // Reaching the correctness stage means the kernel built.
        t.compiled = stageReached(o.lastStage, "checking");
        t.metadata["killed_at_stage"] = o.lastStage.empty() ? "start" : o.lastStage;
        r = std::move(t);
    } else if (!haveResult) {
        EvalResult c;
        c.status = EvalStatus::Crashed;
        c.compiled = stageReached(o.lastStage, "checking");
        std::string why;
        if (o.exited && !o.exited->killedReason.empty())
            why = "killed by the evaluator (" + o.exited->killedReason + ")";
        else if (o.exited && o.exited->signal)
            why = "the kernel process died of " + ExitStatus{std::nullopt, o.exited->signal}.describe() +
                  " without a result";
        else if (o.exited && !o.exited->channelError.empty())
            why = "result channel error: " + o.exited->channelError;
        else if (o.exited && o.exited->exitCode && *o.exited->exitCode != 0)
            why = "the kernel process exited with code " + std::to_string(*o.exited->exitCode) +
                  " without a result";
        else if (o.exited)
            why = "the kernel process exited without writing a result";
        else if (o.zygoteDied)
            why = "the evaluator process died while running this kernel (" + o.zygoteMessage + ")";
        else
            why = "the kernel process ended without a result";
        if (o.exited && !o.exited->channelError.empty() && why.find("channel") == std::string::npos)
            why += "; result channel: " + o.exited->channelError;
        if (o.exited) {
            const std::string tail = lastLine(o.exited->logTail);
            if (!tail.empty())
                why += "; last output: " + tail;
        }
        c.errorMessage = why;
        if (o.exited && o.exited->signal)
            c.metadata["signal"] = signalName(*o.exited->signal);
        if (o.exited && !o.exited->killedReason.empty())
            c.metadata["killed_reason"] = o.exited->killedReason;
        r = std::move(c);
    } else if (r.status == EvalStatus::Unknown && o.mode != "compile") {
        // A result without a status: derive it like kernel_rl's legacy dicts.
        r.status = deriveLegacyStatus(toJson(r, false));
    }
    if (haveResult && o.exited && o.exited->signal && !o.timedOut && !o.cancelled)
        r.metadata["exit_signal"] = signalName(*o.exited->signal); // died after delivering

    r.id = request.id;
    r.request = request;
    r.request.seedSecret.clear();
    if (o.exited) {
        r.logTail = o.exited->logTail;
        if (o.exited->logBytes > 0)
            r.metadata["log_bytes"] = o.exited->logBytes;
        if (o.exited->maxRssKb > 0)
            r.metadata["max_rss_kb"] = o.exited->maxRssKb;
    }
    if (r.codeLength == 0)
        r.codeLength = static_cast<long long>(request.kernelCode.size());
    if (r.device.target.empty())
        r.device.target = o.slotDevice;
    if (o.childPid > 0)
        r.worker.pid = o.childPid;
    r.worker.gpuIndex = gpuIndexOf(o.slotDevice);
    if (r.isolation.empty())
        r.isolation = o.isolation;
    r.createdAt = createdAt;
    r.finishedAt = nowUnixSeconds();
    r.timings.queued = queuedS;
    if (r.timings.total <= 0)
        r.timings.total = o.wallS;
    return r;
}

bool needsFreshZygote(const ChildOutcome& o, const EvalResult& r)
{
    if (o.zygoteDied)
        return true;
    if (o.exited && o.exited->signal && !o.timedOut && !o.cancelled && o.exited->killedReason.empty())
        return true;
    if (auto it = r.metadata.find("cuda_fault");
        it != r.metadata.end() && it->is_boolean() && it->get<bool>())
        return true;
    static const char* const faults[] = {"illegal memory access", "CUDA error",
                                         "device-side assert",    "unspecified launch failure",
                                         "misaligned address",    "illegal instruction"};
    if (r.status == EvalStatus::RuntimeError || r.status == EvalStatus::Crashed)
        for (const char* f : faults)
            if (r.errorMessage.find(f) != std::string::npos)
                return true;
    return false;
}

void mergePrebuild(EvalResult& gpu, const EvalResult& pre, double prebuildWallS)
{
    gpu.timings.compile += pre.timings.compile;
    gpu.timings.total += prebuildWallS;
    nlohmann::json p{{"wall_s", prebuildWallS}, {"compile_s", pre.timings.compile}, {"device", "cpu"}};
    if (auto it = pre.metadata.find("cache_hit"); it != pre.metadata.end())
        p["cache_hit"] = *it;
    gpu.metadata["prebuild"] = std::move(p);
}

int childStageRank(const std::string& stage)
{
    if (stage == "compiling")
        return 1;
    if (stage == "checking")
        return 2;
    if (stage == "timing")
        return 3;
    return 0;
}

} // namespace kw
