#include "core/watch/RunInfo.h"

#include "core/base/JsonSanitizer.h"

#include <nlohmann/json.hpp>

namespace kw {

namespace {

std::string str(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

RunInfo parseRunConfig(std::string_view text)
{
    RunInfo info;
    if (jsonNestingDepth(text, 128) >= 128)
        return info;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(sanitizeJson(text));
    } catch (const std::exception&) {
        return info;
    }
    if (!j.is_object())
        return info;
    if (!j.contains("model_name") && j.contains("config") && j["config"].is_object())
        j = nlohmann::json(j["config"]);
    info.hasConfig = true;
    info.modelName = str(j, "model_name");
    info.mode = str(j, "mode");
    info.logPath = str(j, "log_path");
    for (const char* builderKey : {"multiturn_dataset_builder", "dataset_builder"}) {
        auto it = j.find(builderKey);
        if (it == j.end() || !it->is_object())
            continue;
        const nlohmann::json& b = *it;
        if (info.backend.empty())
            info.backend = str(b, "backend");
        if (auto m = b.find("use_modal"); m != b.end() && m->is_boolean())
            info.useModal = info.useModal || m->get<bool>();
        if (info.gpuType.empty())
            info.gpuType = str(b, "modal_gpu_type");
        if (auto l = b.find("level"); info.level < 0 && l != b.end() && l->is_number_integer())
            info.level = l->get<int>();
        if (auto t = b.find("modal_timeout"); info.modalTimeoutS < 0 && t != b.end() && t->is_number())
            info.modalTimeoutS = t->get<double>();
        if (auto n = b.find("num_correct_trials");
            info.numCorrectTrials < 0 && n != b.end() && n->is_number_integer())
            info.numCorrectTrials = n->get<int>();
        if (auto m = b.find("measure_performance");
            info.measurePerformance < 0 && m != b.end() && m->is_boolean())
            info.measurePerformance = m->get<bool>() ? 1 : 0;
    }
    return info;
}

} // namespace kw
