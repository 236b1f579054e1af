#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One line of a batch manifest (JSONL):
//   {"id": "...", "ref": "path" | "ref_code": "...", "kernel": "path" | "kernel_code": "...",
//    "backend"?: "cuda"|"triton", "precision"?: ..., "problem"?: "..."}
// Paths are relative to the manifest's folder.
struct ManifestItem
{
    std::size_t line = 0; // 1-based line number in the manifest
    std::string id;       // the manifest's id, or "line-N"
    std::string refPath, refCode, kernelPath, kernelCode;
    std::string backend, precision, problem;
    std::string error; // non-empty: this line is unusable, the message says why
};

// Pure parser: text of one line → item. Blank lines and lines starting with '#' → nullopt.
std::optional<ManifestItem> parseManifestLine(std::string_view text, std::size_t lineNo);
// All lines of a manifest's text.
std::vector<ManifestItem> parseManifest(std::string_view text);

} // namespace kw
