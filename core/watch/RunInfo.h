#pragma once

#include <string>
#include <string_view>

namespace kw {

// What a run directory's config.json says about the run (chz's dump of kernel_rl's
// TrainingConfig; keys may also sit under "config"). Missing keys stay empty.
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
};

// Pure; never throws. Text that is not a JSON object gives hasConfig = false.
RunInfo parseRunConfig(std::string_view json);

} // namespace kw
