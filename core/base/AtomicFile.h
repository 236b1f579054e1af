#pragma once

#include <string>
#include <string_view>

namespace kw {

// Reads a whole file; empty string on success, else why not.
std::string readWholeFile(const std::string& path, std::string& content);

// Replaces `path` with `content` so that a crash at any moment leaves either the old file or
// the new one, never a mix: the bytes go to a temporary file in the same folder, are fsync'ed,
// get the old file's permissions, and are renamed over it; the folder is fsync'ed last. With
// `backupSuffix` (e.g. ".bak") the old content is first saved, the same way, beside it.
// A symlink is followed: its target is replaced. Returns "" on success, else why not.
std::string writeFileAtomically(const std::string& path, std::string_view content,
                                const std::string& backupSuffix = {});

} // namespace kw
