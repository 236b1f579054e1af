#pragma once

namespace kw {

// The git commit the binaries were built from ("unknown" outside a checkout). Defined in a
// file generated at configure time, so a new commit recompiles one file, not the whole tree.
const char* gitCommit();

} // namespace kw
