#include "app/cli/CliSettings.h"

#include <cstdio>

namespace kw::cli {

AppSettings resolveSettings(const ArgParser& p)
{
    std::map<std::string, std::string> options;
    for (const char* name : {"python", "db", "ncu", "endpoint", "gpu", "modal", "trials", "perf-trials",
                             "precision", "timeout", "backend", "compile-mode", "mem-limit-mb"})
        if (auto v = p.value(name))
            options.emplace(name, *v);
    return AppSettings::resolve(SettingLayers::load(std::move(options)));
}

void warnSettingsProblems(const AppSettings& s)
{
    for (const auto& problem : s.problems)
        std::fprintf(stderr, "kernelwatch-cli: settings: %s\n", problem.c_str());
}

} // namespace kw::cli
