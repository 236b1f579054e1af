#pragma once

#include "app/cli/ArgParser.h"
#include "core/usecase/AppSettings.h"

namespace kw::cli {

// The settings model (core/usecase/AppSettings) for this command: its options that name a
// setting (--python, --db, --ncu, --endpoint, --gpu, --modal, --trials, ...), the environment, the
// GUI's settings file and modal.json, by the one precedence rule.
AppSettings resolveSettings(const ArgParser& p);

// Prints the problems met while reading the settings (a value that is not a number, ...) to
// stderr, one line each, prefixed "kernelwatch-cli: settings: ".
void warnSettingsProblems(const AppSettings& s);

} // namespace kw::cli
