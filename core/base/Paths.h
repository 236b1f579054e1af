#pragma once

#include <string>

namespace kw::paths {

// XDG base directories with kernelwatch's subfolder; created on demand by callers.
std::string dataDir();   // $XDG_DATA_HOME/kernelwatch  (~/.local/share/kernelwatch)
std::string cacheDir();  // $XDG_CACHE_HOME/kernelwatch (~/.cache/kernelwatch)
std::string configDir(); // $XDG_CONFIG_HOME/kernelwatch (~/.config/kernelwatch)
std::string homeDir();

// The Python evaluator package folder (contains kernelwatch_eval/ and modal_app.py):
// $KERNELWATCH_EVALUATOR_DIR, else <exe>/../share/kernelwatch/evaluator (installed),
// else the source tree's resources/evaluator. Empty when none exists.
std::string evaluatorDir();

// Directory of the running executable.
std::string executableDir();

// Creates the directory and its parents; returns false on failure.
bool makeDirs(const std::string& dir);

} // namespace kw::paths
