#include "core/base/ExecutableSearch.h"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace kw {

std::vector<std::string> searchPathDirs(std::string_view path)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = path.find(':', start);
        const std::string_view dir =
            path.substr(start, end == std::string_view::npos ? path.npos : end - start);
        if (!dir.empty())
            out.emplace_back(dir);
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return out;
}

std::string_view processSearchPath()
{
    const char* path = std::getenv("PATH");
    return path ? path : "";
}

bool isExecutableFile(const std::string& path)
{
    std::error_code ec;
    return !path.empty() && std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> findExecutable(const std::string& name, std::string_view path)
{
    if (name.empty())
        return std::nullopt;
    if (name.find('/') != std::string::npos)
        return isExecutableFile(name) ? std::optional<std::string>(name) : std::nullopt;
    for (const std::string& dir : searchPathDirs(path))
        if (std::string p = dir + "/" + name; isExecutableFile(p))
            return p;
    return std::nullopt;
}

} // namespace kw
