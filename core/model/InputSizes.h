#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kw {

// What the evaluator's size probe (zygote op "probe", resources/evaluator/PROTOCOL.md "Size
// probe") measured of a problem without allocating it: bytes of inputs, outputs, parameters at
// the request's precision, and the estimate of the evaluation's peak.
struct InputSizes
{
    bool probed = false; // false: nothing known (the probe failed or this evaluator has none)
    std::string error;   // why not probed
    long long inputBytes = 0;
    std::optional<long long> outputBytes; // absent when the forward could not run on meta
    long long paramBytes = 0;             // parameters + buffers
    long long estimatedPeakBytes = 0;
    std::string estimateRule;
    std::vector<std::string> inputShapes; // "4096×393216 float32"
    std::optional<long long> batchSize;   // the module-level batch_size in force (scalable problems)
    std::optional<long long> scaledFrom;  // when probed with input_batch_size: the original
};

// Pure: the probe's result document; a probe_failed document or garbage → probed false.
InputSizes parseInputSizes(const nlohmann::json& doc);

// "6.0 GiB", "96.0 MiB", "512 B"
std::string formatBytes(long long bytes);

} // namespace kw
