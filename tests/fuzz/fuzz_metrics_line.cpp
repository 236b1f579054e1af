// libFuzzer target: one metrics.jsonl line through the metrics parser and the run config parser.
// Must never crash, hang, read out of bounds or throw.
#include "core/watch/MetricsLineParser.h"
#include "core/watch/RunInfo.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    kw::MetricsRecord rec;
    kw::parseMetricsLine(line, rec);
    if (rec.valid())
        for (const auto& v : rec.values)
            (void)rec.value(v.key);
    if (size < 65536)
        (void)kw::parseRunConfig(line);
    return 0;
}
