// libFuzzer target: the training-config YAML edit (byte-preserving setYamlScalar via applyTrainingChanges).
#include "core/config/TrainingConfig.h"
#include "core/config/YamlScalarEdit.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <string>

// The first byte picks the setting and value; the rest is the YAML document.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0 || size > 16384)
        return 0;
    static const char* kAssign[] = {
        "use_modal=true",       "modal_gpu_type=H100!",      "modal_timeout=600",          "backend=triton",
        "num_correct_trials=7", "measure_performance=false", "modal_gpu_type=a100-80gb:2", "use_modal=no"};
    kw::TrainingChange c;
    if (!kw::parseTrainingAssignment(kAssign[data[0] % 8], c).empty())
        __builtin_trap();
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto r = kw::applyTrainingChanges(text, {c});
    if (!r.ok()) {
        if (r.text != text)
            __builtin_trap(); // a refused edit leaves the text as it was
        return 0;
    }
    // The value reads back, and applying the same change again changes nothing.
    auto back = kw::readYamlScalar(r.text, {"dataset_builder", c.key});
    if (!back || *back != c.value.scalarText())
        __builtin_trap();
    auto again = kw::applyTrainingChanges(r.text, {c});
    if (!again.ok() || again.changed)
        __builtin_trap();
    (void)kw::readTrainingSettings(text);
    return 0;
}
