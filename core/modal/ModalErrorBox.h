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

// The last line of a Python traceback ("modal.exception.NotFoundError: ..."), or empty. Reads
// both forms the modal client prints: a plain "Traceback (most recent call last):" block, and
// rich's panel (an exception in the app file during `modal deploy`):
//   ╭──── Traceback (most recent call last) ────╮
//   │ /path/modal_app.py:98 in deploy_settings   │
//   ╰───────────────────────────────────────────╯
//   ValueError: unknown GPU type 'V100': ...
// where the exception line follows the panel.
std::string lastTracebackLine(std::string_view text);

// The frames inside rich's "Traceback (most recent call last)" panel, one line each, without
// the borders and trailing padding; empty when the text has no such panel.
std::string richTracebackPanel(std::string_view text);

} // namespace kw
