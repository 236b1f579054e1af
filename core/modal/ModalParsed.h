#pragma once

#include <string>
#include <utility>

namespace kw {

// What a pure parser returns: the value it could read, and a one-line error when the text
// was not what the parser expected (the value may then be partial or empty).
template <typename T> struct ModalParsed
{
    T value{};
    std::string error;

    bool ok() const { return error.empty(); }
    static ModalParsed failure(std::string message, T partial = T{})
    {
        ModalParsed p;
        p.value = std::move(partial);
        p.error = std::move(message);
        return p;
    }
};

} // namespace kw
