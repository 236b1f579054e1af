#include "core/base/Paths.h"

#include <cstdlib>
#include <filesystem>
#include <pwd.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace kw::paths {

std::string homeDir()
{
    if (const char* h = std::getenv("HOME"); h && *h)
        return h;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir)
        return pw->pw_dir;
    return "/tmp";
}

namespace {
std::string xdg(const char* var, const char* fallback)
{
    const char* v = std::getenv(var);
    std::string base = (v && *v == '/') ? std::string(v) : homeDir() + "/" + fallback;
    return base + "/kernelwatch";
}
} // namespace

std::string dataDir()
{
    return xdg("XDG_DATA_HOME", ".local/share");
}
std::string cacheDir()
{
    return xdg("XDG_CACHE_HOME", ".cache");
}
std::string configDir()
{
    return xdg("XDG_CONFIG_HOME", ".config");
}

std::string executableDir()
{
    std::error_code ec;
    auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : p.parent_path().string();
}

std::string evaluatorDir()
{
    auto ok = [](const fs::path& p) {
        std::error_code ec;
        return fs::is_directory(p / "kernelwatch_eval", ec);
    };
    if (const char* e = std::getenv("KERNELWATCH_EVALUATOR_DIR"); e && *e && ok(e))
        return e;
    const std::string exe = executableDir();
    if (!exe.empty()) {
        fs::path installed = fs::path(exe) / ".." / "share" / "kernelwatch" / "evaluator";
        if (ok(installed))
            return fs::weakly_canonical(installed).string();
    }
    if (ok(KW_INSTALL_DATA_DIR "/evaluator"))
        return KW_INSTALL_DATA_DIR "/evaluator";
    if (ok(KW_SOURCE_EVALUATOR_DIR))
        return KW_SOURCE_EVALUATOR_DIR;
    return {};
}

bool makeDirs(const std::string& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    return fs::is_directory(dir, ec);
}

} // namespace kw::paths
