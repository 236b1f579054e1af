// libFuzzer target: bytes as an EvalResult / EvalRequest JSON document (what the evaluator, the
// Modal endpoint and `KERNELWATCH_EVAL` log lines hand to the core), read leniently and written
// back. Must never crash or throw past the parse; a result read once reads back the same.
#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
        return 0;
    const kw::EvalResult r = kw::resultFromJson(j);
    const nlohmann::json out = kw::toJson(r, true);
    const kw::EvalResult again = kw::resultFromJson(out);
    if (kw::toJson(again, true) != out)
        std::abort(); // writing and reading back must be stable
    try {
        kw::EvalRequest req = j.get<kw::EvalRequest>();
        (void)nlohmann::json(req).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const nlohmann::json::exception&) {
        // a wrong type for a request field: reported to the caller as a usage error
    }
    return 0;
}
