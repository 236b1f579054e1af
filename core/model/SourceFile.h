#pragma once

#include <string>

namespace kw {

// Reads a kernel or reference source file with the checks every entry point needs.
// Returns false and sets `error` to a one-line message naming the file: missing, unreadable,
// a directory, empty, over 1 MiB, or not text.
bool readSourceFile(const std::string& path, std::string& out, std::string& error);

// Cheap structural checks before Python sees the code (Python reports syntax errors itself).
// Empty when fine, else a message naming `label` (file name) and what is missing.
std::string checkReferenceSource(const std::string& code, const std::string& label);
std::string checkKernelSource(const std::string& code, const std::string& label);

} // namespace kw
