#pragma once

#include <string>
#include <string_view>

namespace kw {

// UTF-8 <-> UTF-16 for readers of Qt's own files (QSettings works on UTF-16 QStrings and writes
// UTF-8). Invalid sequences and lone surrogates become U+FFFD, as Qt's codecs do.
std::u16string toUtf16(std::string_view s);
std::string toUtf8(std::u16string_view s);
void appendUtf8(std::string& out, char32_t cp);

} // namespace kw
