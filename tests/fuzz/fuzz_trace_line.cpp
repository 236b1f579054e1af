// libFuzzer target: one traces.jsonl line through everything that reads such lines — the summary
// parser, the EvalResult builder, the details parser and the JSON sanitizer. Must never crash,
// hang, read out of bounds or throw.
#include "core/base/JsonSanitizer.h"
#include "core/watch/TraceDetails.h"
#include "core/watch/TraceLineParser.h"
#include "core/watch/TraceResultBuilder.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    kw::TraceRecord rec;
    rec.offset = size;
    kw::TraceLineSpans spans;
    kw::parseTraceLine(line, rec, &spans);
    if (rec.valid()) {
        kw::TraceContext ctx;
        ctx.run = "fuzz";
        ctx.tracesPath = "/dev/null";
        const kw::EvalResult r = kw::buildTraceResult(rec, spans, ctx);
        (void)kw::toJson(r, false).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        (void)rec.problem();
    }
    if (size < 65536) {
        (void)kw::parseTraceDetails(line);
        (void)kw::sanitizeJson(line);
    }
    return 0;
}
