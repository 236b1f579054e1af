#pragma once

#include "core/base/ChildEnv.h"
#include "core/config/QtIni.h"
#include "core/local/LocalConfig.h"
#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kw {

// Where a setting's value came from, highest precedence first.
enum class SettingSource
{
    Option,       // the command line (kernelwatch-cli --python ...)
    Environment,  // KERNELWATCH_*
    SettingsFile, // the GUI's settings (kernelwatch.conf, what Settings writes)
    ModalJson,    // modal.json, saved by the last deploy (Modal endpoint and GPU)
    Default,
};
const char* settingSourceName(SettingSource s); // "option", "environment", "settings file", ...

// One value and where it came from. `where` names the place: "--python", "KERNELWATCH_PYTHON",
// "/home/u/.config/kernelwatch/kernelwatch.conf [local/python]", a modal.json path, "default".
template <typename T> struct Setting
{
    T value{};
    SettingSource source = SettingSource::Default;
    std::string where = "default";
};

// The settings file the GUI writes (QSettings with organisation and application "kernelwatch",
// INI): $KERNELWATCH_SETTINGS when set (an empty value: none), else
// $XDG_CONFIG_HOME/kernelwatch/kernelwatch.conf (~/.config/kernelwatch/kernelwatch.conf).
std::string settingsFilePath();

// Everything a value may come from. Pure: the caller reads the files and the environment.
struct SettingLayers
{
    std::map<std::string, std::string> options;          // by option name without "--": {"python", "/x"}
    childenv::Env environment;                           // NAME=value
    QtIniFile settingsFile;                              // parsed kernelwatch.conf (empty when absent)
    std::string settingsPath;                            // for `where`; empty: no settings file
    bool settingsFileFound = false;                      // it existed and was read
    nlohmann::json modalJson = nlohmann::json::object(); // parsed modal.json
    std::string modalJsonPath;

    // This process's environment, the settings file at `settingsPath` (the GUI's by default; an
    // empty path reads none) and modal.json, with these options.
    static SettingLayers load(std::map<std::string, std::string> options = {},
                              const std::string& settingsPath = settingsFilePath());
};

// The one settings model of kernelwatch, shared by the GUI (ui/base/Settings builds its layers
// from what it stores) and kernelwatch-cli (options, environment, the GUI's file). Each value
// is resolved once by one rule: command-line option > environment (KERNELWATCH_*) > the settings
// file > modal.json (Modal endpoint and GPU) > default. An empty string counts as not set.
struct AppSettings
{
    // Local evaluation
    Setting<std::string> python;               // empty: discover (PythonFinder)
    Setting<std::vector<std::string>> devices; // empty: every visible GPU, else the CPU
    Setting<int> cpuConcurrency;               // 1..256
    Setting<std::string> cacheDir;             // compile cache
    Setting<std::string> historyPath;          // the history store
    Setting<std::string> ncuPath;              // empty: discover (NcuFinder)
    Setting<long long> memLimitMb; // MiB per evaluation (--mem-limit-mb); -1: half of RAM; 0: no cap
    // Modal
    Setting<std::string> modalEndpoint;
    Setting<std::string> modalGpu;
    Setting<int> modalTimeoutS; // the deployed function's timeout, 10..86400
    Setting<std::string> modalProxyKey;
    Setting<std::string> modalProxySecret; // never printed
    Setting<std::string> modalCli;         // the `modal` program
    // Defaults for new evaluations
    Setting<int> correctTrials;                  // 1..1000
    Setting<int> perfTrials;                     // 1..100000
    Setting<std::string> precision;              // fp32|fp16|bf16
    Setting<double> timeoutS;                    // 1..86400
    Setting<std::string> backend;                // cuda|triton
    Setting<std::vector<std::string>> baselines; // {"eager"} or {"eager", "compile"}
    Setting<std::string> compileMode;            // default|max-autotune-no-cudagraphs

    std::string settingsPath; // the file read (may not exist)
    bool settingsFileFound = false;
    std::vector<std::string> problems; // values that could not be used, and why (the default was)

    static AppSettings resolve(const SettingLayers& layers);

    LocalConfig localConfig() const;
    ModalConfig modalConfig() const; // also the connection defaults of ModalConfig
    ModalCliOptions modalCliOptions() const;
    // (name, value, where) for each setting a front end shows; the proxy secret masked.
    std::vector<std::array<std::string, 3>> rows() const;
};

} // namespace kw
