#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// Finding programs the way a shell does, for the tools kernelwatch runs (python3, nvcc, ncu,
// modal). Empty PATH entries are skipped (a shell would read them as the current directory).

// The directories of a PATH-style list, in order.
std::vector<std::string> searchPathDirs(std::string_view path);

// This process's $PATH ("" when unset).
std::string_view processSearchPath();

// A regular file this process may execute.
bool isExecutableFile(const std::string& path);

// `name` as a shell would run it: a name holding '/' is checked as it is; otherwise the first
// executable DIR/name of `path`'s directories.
std::optional<std::string> findExecutable(const std::string& name, std::string_view path);

} // namespace kw
