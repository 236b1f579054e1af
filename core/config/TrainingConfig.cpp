#include "TrainingConfig.h"

#include "ModalGpu.h"
#include "Text.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace kw {

const std::vector<TrainingSetting>& trainingSettings()
{
    static const std::vector<TrainingSetting> s = {
        {"use_modal", "bool", "evaluate on Modal (true) or locally (false)"},
        {"modal_gpu_type", "gpu",
         "Modal GPU type: T4, L4, A10, L40S, A100, A100-80GB, RTX-PRO-6000, H100, H100!, "
         "H200, B200, TYPE:N"},
        {"modal_timeout", "int", "seconds one evaluation may take on Modal (10..86400)"},
        {"backend", "choice", "kernel language: cuda, triton, tilelang or cute"},
        {"num_correct_trials", "int", "correctness trials per kernel (1..1000)"},
        {"measure_performance", "bool", "time the kernel against the reference (true/false)"},
    };
    return s;
}

namespace {

std::string knownKeys()
{
    std::string s;
    for (const auto& t : trainingSettings())
        s += (s.empty() ? "" : ", ") + t.key;
    return s;
}

std::optional<long long> wholeNumber(std::string_view v)
{
    const std::string s(v);
    if (s.empty())
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (errno || *end)
        return std::nullopt;
    return n;
}

} // namespace

std::string validateTrainingValue(const std::string& key, std::string_view raw, YamlScalarValue& out)
{
    const std::string_view v = text::trim(raw);
    const auto it = std::find_if(trainingSettings().begin(), trainingSettings().end(),
                                 [&](const TrainingSetting& s) { return s.key == key; });
    if (it == trainingSettings().end())
        return "unknown setting '" + key + "': known settings are " + knownKeys();
    if (it->type == "bool") {
        const std::string l = text::asciiLower(v);
        if (l == "true" || l == "yes" || l == "on" || l == "1")
            out = YamlScalarValue::ofBool(true);
        else if (l == "false" || l == "no" || l == "off" || l == "0")
            out = YamlScalarValue::ofBool(false);
        else
            return key + " must be true or false (got '" + std::string(v) + "')";
        return {};
    }
    if (it->type == "gpu") {
        const ModalGpuSpec spec = parseModalGpu(v);
        if (!spec.ok())
            return spec.error;
        out = YamlScalarValue::ofString(spec.canonical());
        return {};
    }
    if (it->type == "choice") {
        const std::string l = text::asciiLower(v);
        if (l != "cuda" && l != "triton" && l != "tilelang" && l != "cute")
            return "backend must be cuda, triton, tilelang or cute (got '" + std::string(v) + "')";
        out = YamlScalarValue::ofString(l);
        return {};
    }
    const auto n = wholeNumber(v);
    if (key == "modal_timeout") {
        if (!n || *n < 10 || *n > 86400)
            return "modal_timeout must be whole seconds from 10 to 86400 (Modal's limit is 24 h; got '" +
                   std::string(v) + "')";
    } else if (!n || *n < 1 || *n > 1000) {
        return key + " must be a whole number from 1 to 1000 (got '" + std::string(v) + "')";
    }
    out = YamlScalarValue::ofInt(*n);
    return {};
}

std::string parseTrainingAssignment(std::string_view assignment, TrainingChange& out)
{
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos)
        return "expected key=value, got '" + std::string(assignment) + "'";
    std::string key(text::trim(assignment.substr(0, eq)));
    const std::string prefix = std::string(kTrainingSection) + ".";
    if (key.rfind(prefix, 0) == 0)
        key = key.substr(prefix.size());
    out.key = key;
    return validateTrainingValue(key, assignment.substr(eq + 1), out.value);
}

TrainingSettingsView readTrainingSettings(std::string_view yamlText)
{
    TrainingSettingsView view;
    for (const auto& s : trainingSettings()) {
        std::string err;
        auto v = readYamlScalar(yamlText, {std::string(kTrainingSection), s.key}, &err);
        if (!err.empty()) {
            view.error = err;
            view.values.clear();
            return view;
        }
        view.values.emplace_back(s.key, v);
    }
    return view;
}

YamlEditOutcome applyTrainingChanges(std::string_view yamlText, const std::vector<TrainingChange>& changes)
{
    YamlEditOutcome total;
    total.text = std::string(yamlText);
    std::string text(yamlText);
    for (const auto& c : changes) {
        auto r = setYamlScalar(text, {std::string(kTrainingSection), c.key}, c.value);
        if (!r.ok()) {
            total.error = r.error;
            return total;
        }
        total.inserted = total.inserted || r.inserted;
        text = std::move(r.text);
    }
    total.changed = text != yamlText;
    total.text = std::move(text);
    return total;
}

} // namespace kw
