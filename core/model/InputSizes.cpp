#include "core/model/InputSizes.h"

#include <cstdio>

namespace kw {

namespace {
long long num(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<long long>() : 0;
}
std::optional<long long> optNum(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    if (it != j.end() && it->is_number())
        return it->get<long long>();
    return std::nullopt;
}
} // namespace

InputSizes parseInputSizes(const nlohmann::json& doc)
{
    InputSizes s;
    if (!doc.is_object()) {
        s.error = "the size probe answered no document";
        return s;
    }
    const auto sizes = doc.find("sizes");
    if (doc.value("status", "") != "probed" || sizes == doc.end() || !sizes->is_object()) {
        const auto e = doc.find("error_message");
        s.error = e != doc.end() && e->is_string() && !e->get<std::string>().empty()
                      ? e->get<std::string>()
                      : "the size probe failed";
        return s;
    }
    const nlohmann::json& z = *sizes;
    s.probed = true;
    s.inputBytes = num(z, "input_bytes");
    s.outputBytes = optNum(z, "output_bytes");
    s.paramBytes = num(z, "param_bytes") + num(z, "buffer_bytes");
    s.estimatedPeakBytes = num(z, "estimated_peak_bytes");
    if (auto r = z.find("estimate_rule"); r != z.end() && r->is_string())
        s.estimateRule = r->get<std::string>();
    if (z.value("scalable", false))
        s.batchSize = optNum(z, "batch_size");
    if (auto sc = z.find("inputs_scaled"); sc != z.end() && sc->is_object()) {
        s.scaledFrom = optNum(*sc, "original_batch_size"); // "batch_size" above is the problem's own
        s.batchSize = optNum(*sc, "batch_size");
    }
    if (auto in = z.find("inputs"); in != z.end() && in->is_array())
        for (const auto& t : *in) {
            if (!t.is_object())
                continue;
            std::string shape;
            if (auto sh = t.find("shape"); sh != t.end() && sh->is_array())
                for (const auto& d : *sh)
                    shape += (shape.empty() ? "" : "×") +
                             (d.is_number() ? std::to_string(d.get<long long>()) : "?");
            s.inputShapes.push_back((shape.empty() ? std::string("scalar") : shape) + " " +
                                    t.value("dtype", ""));
        }
    return s;
}

std::string formatBytes(long long bytes)
{
    char buf[32];
    const double b = double(bytes);
    if (b >= 1024.0 * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    else if (b >= 1024.0 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024));
    else if (b >= 1024.0)
        std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
    else
        std::snprintf(buf, sizeof buf, "%lld B", bytes);
    return buf;
}

} // namespace kw
