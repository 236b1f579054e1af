#pragma once

#include <string>
#include <string_view>

namespace kw {

// What a run directory's config.json says about the run (chz's dump of kernel_rl's
// TrainingConfig; keys may also sit under "config"). Missing keys stay empty. The evaluation
// settings come from multiturn_dataset_builder when it is set (kernel_rl then uses it), else
// dataset_builder.
struct RunInfo
{
    bool hasConfig = false;
    std::string modelName; // model_name
    std::string mode;      // mode: single_turn | multi_turn
    std::string backend;   // dataset_builder.backend
    bool useModal = false; // dataset_builder.use_modal
    std::string gpuType;   // dataset_builder.modal_gpu_type
    std::string logPath;   // log_path
    int level = -1;        // dataset_builder.level
    // The evaluation settings the run used (what its results really had), NaN / -1 when absent.
    double modalTimeoutS = -1;   // modal_timeout (kernel_rl's float)
    int numCorrectTrials = -1;   // num_correct_trials
    int measurePerformance = -1; // measure_performance: 0, 1
};

// Pure; never throws. Text that is not a JSON object gives hasConfig = false.
RunInfo parseRunConfig(std::string_view json);

} // namespace kw
