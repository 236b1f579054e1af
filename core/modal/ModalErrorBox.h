#pragma once

#include <string>
#include <string_view>

namespace kw {

// The message inside the box that the modal client draws around errors on stderr:
//   ╭─ Error ──────╮
//   │ No App with… │
//   ╰──────────────╯
// Box lines are joined with single spaces. Also reads the plain "Error: message" form. Empty
// when the text holds neither.
std::string extractModalErrorBox(std::string_view text);

// The last line of a Python traceback ("modal.exception.NotFoundError: ..."), or empty.
std::string lastTracebackLine(std::string_view text);

} // namespace kw
