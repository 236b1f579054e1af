// libFuzzer target: a batch manifest (JSON lines) through the manifest parser, line by line and
// whole. Must never crash, hang, read out of bounds or throw; every non-blank line becomes an item
// or an item carrying its error.
#include "core/model/BatchManifest.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto items = kw::parseManifest(text);
    for (const kw::ManifestItem& item : items)
        if (item.error.empty() && item.refPath.empty() && item.refCode.empty())
            std::abort(); // a usable item always names its reference
    (void)kw::parseManifestLine(text, 1);
    return 0;
}
