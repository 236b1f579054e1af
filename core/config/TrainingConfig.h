#pragma once

#include "core/config/YamlScalarEdit.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// The evaluation settings of a kernel_rl training config (rl_kernelbench.yaml), all under
// `dataset_builder:`. Pure functions over the file's text; TrainingConfigFile writes it.
struct TrainingSetting
{
    std::string key;  // "modal_gpu_type"
    std::string type; // "bool", "int", "float", "gpu", "choice"
    std::string help; // one line
};

const std::vector<TrainingSetting>& trainingSettings();
inline constexpr std::string_view kTrainingSection = "dataset_builder";
// Multi-turn configs: kernel_rl uses this section instead of dataset_builder when it is set.
inline constexpr std::string_view kMultiTurnTrainingSection = "multiturn_dataset_builder";

// The section whose settings kernel_rl uses: multiturn_dataset_builder when it is a mapping,
// else dataset_builder.
std::string trainingSection(std::string_view yamlText);

// One change, parsed and validated from "key=value" (key with or without "dataset_builder.").
struct TrainingChange
{
    std::string key; // bare key, e.g. "modal_timeout"
    YamlScalarValue value;
};

// Empty on success; else a message saying what is wrong and what is allowed.
// Values: use_modal/measure_performance true|false (yes/no/1/0 accepted); modal_gpu_type a Modal
// GPU type (T4 … B200, H100!, TYPE:N; normalised to Modal's spelling); modal_timeout seconds
// 10..86400 as kernel_rl's float (60, 60.0, 1e3: written as given; an integer written over a
// float-style value keeps the ".0"); backend cuda|triton|tilelang|cute; num_correct_trials 1..1000.
std::string parseTrainingAssignment(std::string_view assignment, TrainingChange& out);
std::string validateTrainingValue(const std::string& key, std::string_view value, YamlScalarValue& out);

// Current values (raw scalar text) of every known setting; nullopt where absent.
struct TrainingSettingsView
{
    std::vector<std::pair<std::string, std::optional<std::string>>> values;
    std::string error;   // invalid YAML
    std::string section; // where they were read (trainingSection)
};
TrainingSettingsView readTrainingSettings(std::string_view yamlText);

// Facts about kernel_rl that the values in the file run into (not errors in the file): a GPU
// outside kernel_rl's GPU-architecture table, and that kernel_rl does not pass modal_gpu_type on.
std::vector<std::string> kernelRlWarnings(const TrainingSettingsView& view);
const std::vector<std::string>& kernelRlGpuArchTable();

// modal_timeout of the training config at `yamlPath` (the section kernel_rl uses); 0 when the
// file, the key or a number is missing.
double trainingModalTimeoutS(const std::string& yamlPath);

// Applies the changes in order, in trainingSection(); the first refused one stops and reports, leaving `text`
// as given.
YamlEditOutcome applyTrainingChanges(std::string_view yamlText, const std::vector<TrainingChange>& changes);

} // namespace kw
