#include "core/modal/ModalEvalRecord.h"

#include <cstdio>

namespace kw {

std::optional<EvalResult> modalLogLineToResult(const ModalLogLine& line)
{
    if (!line.eval || !line.eval->is_object())
        return std::nullopt;
    EvalResult r;
    try {
        r = resultFromJson(*line.eval);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (r.worker.containerId.empty())
        r.worker.containerId = line.containerId;
    if (r.id.empty())
        r.id = r.request.id;
    if (r.id.empty()) {
        const std::string text = line.containerId + "\n" +
                                 line.eval->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        std::uint64_t h = 1469598103934665603ull;
        for (unsigned char c : text) {
            h ^= c;
            h *= 1099511628211ull;
        }
        char buf[24];
        std::snprintf(buf, sizeof buf, "modal-%016llx", static_cast<unsigned long long>(h));
        r.id = buf;
    }
    r.request.id = r.id;
    r.request.source = "modal";
    if (r.request.target.empty() || r.request.target == "local")
        r.request.target = "modal";
    if (r.device.target.empty())
        r.device.target = r.request.gpuType.empty() ? "modal" : "modal:" + r.request.gpuType;
    if (!r.metadata.is_object())
        r.metadata = nlohmann::json::object();
    if (!line.timestamp.empty())
        r.metadata["log_timestamp"] = line.timestamp;
    return r;
}

} // namespace kw
