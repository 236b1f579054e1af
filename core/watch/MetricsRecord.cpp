#include "core/watch/MetricsRecord.h"

namespace kw {

double MetricsRecord::value(std::string_view key) const
{
    for (const auto& v : values)
        if (v.key == key)
            return v.value;
    return kNone;
}

} // namespace kw
