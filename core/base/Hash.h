#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kw {

// FNV-1a 64-bit: stable keys for content (batch items, observed records). Not for security.
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 0xcbf29ce484222325ULL);
std::string hex64(std::uint64_t v);

} // namespace kw
