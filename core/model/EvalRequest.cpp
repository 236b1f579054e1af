#include "core/model/EvalRequest.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <unistd.h>

namespace kw {

std::string EvalRequest::makeId()
{
    // Time-ordered, unique across processes: millis-pid-counter-random.
    static std::atomic<unsigned> counter{0};
    static const unsigned salt = std::random_device{}();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%011llx-%05x-%04x-%04x", static_cast<unsigned long long>(ms),
                  static_cast<unsigned>(getpid()) & 0xfffff, counter.fetch_add(1) & 0xffff, salt & 0xffff);
    return buf;
}

std::string validateRequest(const EvalRequest& r)
{
    if (r.refCode.empty())
        return "the reference program is empty: give a file that defines class Model";
    if (r.kernelCode.empty())
        return "the kernel program is empty: give a file that defines class ModelNew";
    if (r.refCode.size() > kMaxSourceBytes)
        return "the reference program is over 1 MiB (" + std::to_string(r.refCode.size()) + " bytes)";
    if (r.kernelCode.size() > kMaxSourceBytes)
        return "the kernel program is over 1 MiB (" + std::to_string(r.kernelCode.size()) + " bytes)";
    if (r.backend != "cuda" && r.backend != "triton")
        return "unknown backend '" + r.backend + "': use cuda or triton";
    if (r.precision != "fp32" && r.precision != "fp16" && r.precision != "bf16")
        return "unknown precision '" + r.precision + "': use fp32, fp16 or bf16";
    if (r.numCorrectTrials < 1 || r.numCorrectTrials > 1000)
        return "correctness trials must be between 1 and 1000";
    if (r.numPerfTrials < 1 || r.numPerfTrials > 100000)
        return "performance trials must be between 1 and 100000";
    if (!(r.timeoutS >= 1.0 && r.timeoutS <= 24 * 3600.0))
        return "timeout must be between 1 s and 24 h";
    const bool devOk = r.device == "auto" || r.device == "cpu" || r.device == "cuda" ||
                       (r.device.rfind("cuda:", 0) == 0 && r.device.size() > 5 &&
                        r.device.find_first_not_of("0123456789", 5) == std::string::npos);
    if (!devOk)
        return "unknown device '" + r.device + "': use auto, cpu, cuda or cuda:N";
    if (r.inputBatchSize && *r.inputBatchSize < 1)
        return "the scaled batch size must be 1 or more";
    if (r.target != "local" && r.target != "modal")
        return "unknown target '" + r.target + "': use local or modal";
    for (const auto& b : r.baselines)
        if (b != "eager" && b != "compile")
            return "unknown baseline '" + b + "': use eager or compile";
    return checkCompileMode(r.compileMode);
}

std::string checkCompileMode(const std::string& mode)
{
    if (mode == "default" || mode == "max-autotune-no-cudagraphs")
        return {};
    return "unknown compile mode '" + mode + "': use default or max-autotune-no-cudagraphs";
}

void to_json(nlohmann::json& j, const EvalRequest& r)
{
    j = nlohmann::json{{"id", r.id},
                       {"ref_code", r.refCode},
                       {"kernel_code", r.kernelCode},
                       {"backend", r.backend},
                       {"device", r.device},
                       {"precision", r.precision},
                       {"num_correct_trials", r.numCorrectTrials},
                       {"measure_performance", r.measurePerformance},
                       {"num_perf_trials", r.numPerfTrials},
                       {"timeout_s", r.timeoutS},
                       {"target", r.target},
                       {"gpu_type", r.gpuType},
                       {"source", r.source},
                       {"problem", r.problem},
                       {"run", r.run},
                       {"step", r.step},
                       {"turn", r.turn},
                       {"ref_path", r.refPath},
                       {"kernel_path", r.kernelPath},
                       {"baselines", r.baselines},
                       {"compile_mode", r.compileMode}};
    if (!r.seedSecret.empty())
        j["seed_secret"] = r.seedSecret;
    if (r.inputBatchSize)
        j["input_batch_size"] = *r.inputBatchSize;
}

namespace {
template <typename T> void getOpt(const nlohmann::json& j, const char* key, T& out)
{
    auto it = j.find(key);
    if (it != j.end() && !it->is_null())
        out = it->get<T>();
}
} // namespace

void from_json(const nlohmann::json& j, EvalRequest& r)
{
    getOpt(j, "id", r.id);
    getOpt(j, "ref_code", r.refCode);
    getOpt(j, "kernel_code", r.kernelCode);
    getOpt(j, "backend", r.backend);
    getOpt(j, "device", r.device);
    getOpt(j, "precision", r.precision);
    getOpt(j, "num_correct_trials", r.numCorrectTrials);
    getOpt(j, "measure_performance", r.measurePerformance);
    getOpt(j, "num_perf_trials", r.numPerfTrials);
    getOpt(j, "timeout_s", r.timeoutS);
    getOpt(j, "target", r.target);
    getOpt(j, "gpu_type", r.gpuType);
    getOpt(j, "source", r.source);
    getOpt(j, "problem", r.problem);
    getOpt(j, "run", r.run);
    getOpt(j, "step", r.step);
    getOpt(j, "turn", r.turn);
    getOpt(j, "ref_path", r.refPath);
    getOpt(j, "kernel_path", r.kernelPath);
    getOpt(j, "seed_secret", r.seedSecret);
    // Lenient: a list of names (other entries skipped); requests before baselines keep ["eager"].
    if (auto it = j.find("baselines"); it != j.end() && it->is_array()) {
        r.baselines.clear();
        for (const auto& b : *it)
            if (b.is_string())
                r.baselines.push_back(b.get<std::string>());
    }
    if (auto it = j.find("compile_mode"); it != j.end() && it->is_string())
        r.compileMode = it->get<std::string>();
    if (auto it = j.find("input_batch_size"); it != j.end() && it->is_number_integer())
        r.inputBatchSize = it->get<long long>();
}

} // namespace kw
