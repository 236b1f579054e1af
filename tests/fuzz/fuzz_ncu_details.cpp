// libFuzzer target: Nsight Compute's `--csv --page details` output through the profile parser.
// Must never crash, hang, read out of bounds or throw; a parse either gives launches (each with a
// name and a limiter from what it measured) or an error with a message, never both or neither.
#include "core/profile/NcuDetailsParser.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const kw::profile::NcuDetails d = kw::profile::parseNcuDetails(text, {});
    const bool failed = d.error != kw::profile::ProfileError::None;
    if (failed != d.launches.empty() || failed == d.message.empty())
        std::abort();
    for (const auto& k : kw::profile::summarizeByKernel(d.launches))
        if (k.launches < 1)
            std::abort();
    (void)kw::profile::diagnoseNcuOutput(text, text);
    (void)kw::profile::parseNcuNumber(text.substr(0, 64));
    return 0;
}
