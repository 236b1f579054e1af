#include "core/config/TrainingConfig.h"

#include "core/base/AtomicFile.h"
#include "core/base/Text.h"
#include "core/modal/ModalGpu.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace kw {

const std::vector<TrainingSetting>& trainingSettings()
{
    static const std::vector<TrainingSetting> s = {
        {"use_modal", "bool", "evaluate on Modal (true) or locally (false)"},
        {"modal_gpu_type", "gpu",
         "Modal GPU type: T4, L4, A10, L40S, A100, A100-80GB, RTX-PRO-6000, H100, H100!, "
         "H200, B200, TYPE:N"},
        {"modal_timeout", "float",
         "seconds one evaluation may take on Modal (10..86400; kernel_rl reads a float, e.g. 60.0)"},
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

std::optional<double> plainNumber(std::string_view v)
{
    const std::string s(v);
    if (s.empty() || s.find_first_not_of("0123456789.eE+-") != std::string::npos)
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (errno || *end || !std::isfinite(d))
        return std::nullopt;
    return d;
}

bool isFloatStyle(std::string_view v)
{
    return v.find_first_of(".eE") != std::string_view::npos;
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
    if (it->type == "float") {
        const auto d = plainNumber(v);
        if (!d || *d < 10 || *d > 86400)
            return key + " must be seconds from 10 to 86400, e.g. 60.0 (Modal's limit is 24 h; got '" +
                   std::string(v) + "')";
        out = YamlScalarValue::ofNumberText(std::string(v));
        return {};
    }
    const auto n = wholeNumber(v);
    if (!n || *n < 1 || *n > 1000) {
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

std::string trainingSection(std::string_view yamlText)
{
    try {
        const YAML::Node doc = YAML::Load(std::string(yamlText));
        if (doc.IsMap()) {
            const YAML::Node mt = doc[std::string(kMultiTurnTrainingSection)];
            if (mt && mt.IsMap())
                return std::string(kMultiTurnTrainingSection);
        }
    } catch (const std::exception&) {
    }
    return std::string(kTrainingSection);
}

TrainingSettingsView readTrainingSettings(std::string_view yamlText)
{
    TrainingSettingsView view;
    view.section = trainingSection(yamlText);
    for (const auto& s : trainingSettings()) {
        std::string err;
        auto v = readYamlScalar(yamlText, {view.section, s.key}, &err);
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
    const std::string section = trainingSection(yamlText);
    for (const auto& c : changes) {
        YamlScalarValue value = c.value;
        // Keep the value's style: kernel_rl ships `modal_timeout: 60.0`; setting 90 writes 90.0.
        if (value.kind == YamlScalarValue::Kind::Number && !isFloatStyle(value.string)) {
            const auto old = readYamlScalar(text, {section, c.key});
            if (old && isFloatStyle(*old) && plainNumber(*old))
                value.string += ".0";
        }
        auto r = setYamlScalar(text, {section, c.key}, value);
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

const std::vector<std::string>& kernelRlGpuArchTable()
{
    // kernel_rl/modal/app.py GPU_ARCH_MAPPING at af0aa94; any other name builds for Ampere.
    static const std::vector<std::string> table = {"A100", "A100-40GB", "A100-80GB", "H100", "H200",
                                                   "L40S", "L4",        "T4",        "A10G"};
    return table;
}

std::vector<std::string> kernelRlWarnings(const TrainingSettingsView& view)
{
    std::vector<std::string> out;
    std::optional<std::string> gpu, useModal;
    for (const auto& [k, v] : view.values) {
        if (k == "modal_gpu_type")
            gpu = v;
        if (k == "use_modal")
            useModal = v;
    }
    if (!gpu)
        return out;
    std::string name = *gpu;
    if (const auto colon = name.find(':'); colon != std::string::npos)
        name.resize(colon);
    if (!name.empty() && name.back() == '!')
        name.pop_back();
    const auto& table = kernelRlGpuArchTable();
    if (std::find(table.begin(), table.end(), name) == table.end()) {
        std::string known;
        for (const auto& t : table)
            known += (known.empty() ? "" : ", ") + t;
        out.push_back("modal_gpu_type " + *gpu + " is not in kernel_rl's GPU-architecture table (" + known +
                      "): kernel_rl then compiles kernels for Ampere, which may not run on this GPU");
    }
    const std::string um = text::asciiLower(useModal.value_or("false"));
    if (um == "true" || um == "yes" || um == "on")
        out.push_back("kernel_rl (at af0aa94) does not pass modal_gpu_type to its evaluations: they run on "
                      "A100 whatever is set here, unless the training code calls kernelwatch's deployed "
                      "app with the GPU it wants");
    return out;
}

double trainingModalTimeoutS(const std::string& yamlPath)
{
    std::string text;
    if (yamlPath.empty() || !readWholeFile(yamlPath, text).empty())
        return 0;
    for (const auto& [key, value] : readTrainingSettings(text).values)
        if (key == "modal_timeout" && value) {
            const auto d = plainNumber(text::trim(*value));
            return d ? *d : 0;
        }
    return 0;
}

} // namespace kw
