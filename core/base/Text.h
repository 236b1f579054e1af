#pragma once

#include <string>
#include <string_view>

// Small ASCII text helpers shared by the parsers (pure functions).
namespace kw::text {

// `s` without ASCII whitespace (space, \t, \n, \v, \f, \r) at either end.
std::string_view trim(std::string_view s);

// `s` with ASCII letters in lower case; other bytes (UTF-8 included) unchanged.
std::string asciiLower(std::string_view s);

// The value of one hexadecimal digit (0-9, a-f, A-F), -1 for any other character.
int hexValue(char c);

} // namespace kw::text
