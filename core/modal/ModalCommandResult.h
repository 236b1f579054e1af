#pragma once

#include "core/modal/ModalErrorClassifier.h"

#include <string>
#include <vector>

namespace kw {

// How one run of the `modal` program went. Secrets never appear here: the runner passes
// tokens through the environment only, and redacts the captured output.
struct ModalCommandResult
{
    std::vector<std::string> args; // without the program
    int exitCode = -1;             // 128+N for signal N; kModalExitNotFound / kModalExitTimedOut
    bool timedOut = false;
    bool stopped = false; // ended by the caller's stop flag (a followed log stream)
    std::string startError;
    std::string out, err; // captured (tail kept when large)
    double seconds = 0;
    ModalDiagnosis diagnosis;

    bool ok() const { return diagnosis.ok(); }
};

// A parsed answer plus how the command went: `ok()` when both the command and the parse
// succeeded; otherwise `diagnosis` says why (parse failures are ModalCause::Unknown).
template <typename T> struct ModalCliResult
{
    T value{};
    ModalCommandResult command;
    ModalDiagnosis diagnosis;

    bool ok() const { return diagnosis.ok(); }
};

} // namespace kw
