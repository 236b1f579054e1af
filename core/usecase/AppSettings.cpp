#include "core/usecase/AppSettings.h"

#include "core/local/MemoryCap.h"

#include "core/base/ExecutableSearch.h"
#include "core/base/Paths.h"
#include "core/base/Text.h"
#include "core/modal/ModalSecrets.h"
#include "core/model/HistoryStore.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

namespace kw {

namespace {

// Where one setting may be given; nullptr: not there.
struct Spec
{
    const char* option;
    const char* env;
    const char* fileKey;
    const char* modalJsonKey;
};

struct Raw
{
    QtIniValue value;
    SettingSource source = SettingSource::Default;
    std::string where = "default";
};

bool isSet(const QtIniValue& v)
{
    switch (v.kind) {
    case QtIniValue::Kind::String:
        return !v.text.empty();
    case QtIniValue::Kind::StringList:
        return !v.list.empty();
    default:
        return false;
    }
}

// The precedence rule, written once: option > environment > settings file > modal.json.
std::optional<Raw> pick(const Spec& s, const SettingLayers& l)
{
    if (s.option)
        if (auto it = l.options.find(s.option); it != l.options.end() && !it->second.empty())
            return Raw{QtIniValue::string(it->second), SettingSource::Option, std::string("--") + s.option};
    if (s.env)
        if (auto v = childenv::get(l.environment, s.env); v && !v->empty())
            return Raw{QtIniValue::string(*v), SettingSource::Environment, s.env};
    if (s.fileKey && !l.settingsPath.empty())
        if (const QtIniValue* v = l.settingsFile.find(s.fileKey); v && isSet(*v))
            return Raw{*v, SettingSource::SettingsFile, l.settingsPath + " [" + s.fileKey + "]"};
    if (s.modalJsonKey && l.modalJson.is_object())
        if (auto it = l.modalJson.find(s.modalJsonKey); it != l.modalJson.end()) {
            std::string text = it->is_string() ? it->get<std::string>() : it->is_number() ? it->dump() : "";
            if (!text.empty())
                return Raw{QtIniValue::string(std::move(text)), SettingSource::ModalJson, l.modalJsonPath};
        }
    return std::nullopt;
}

class Resolver
{
public:
    Resolver(const SettingLayers& l, std::vector<std::string>& problems) : m_layers(l), m_problems(problems)
    {
    }

    Setting<std::string> text(const Spec& s, std::string fallback) const
    {
        Setting<std::string> out{std::move(fallback)};
        if (auto raw = pick(s, m_layers)) {
            out.value = raw->value.toString();
            out.source = raw->source;
            out.where = raw->where;
        }
        return out;
    }

    // A list in the settings file; "a, b" on the command line or in the environment.
    Setting<std::vector<std::string>> list(const Spec& s, std::vector<std::string> fallback) const
    {
        Setting<std::vector<std::string>> out{std::move(fallback)};
        auto raw = pick(s, m_layers);
        if (!raw)
            return out;
        out.value.clear();
        for (const auto& item : raw->value.toStringList()) {
            std::string_view rest = item;
            const bool split = raw->source != SettingSource::SettingsFile;
            while (true) {
                const auto comma = split ? rest.find(',') : std::string_view::npos;
                if (auto t = text::trim(rest.substr(0, comma)); !t.empty())
                    out.value.emplace_back(t);
                if (comma == std::string_view::npos)
                    break;
                rest.remove_prefix(comma + 1);
            }
        }
        out.source = raw->source;
        out.where = raw->where;
        return out;
    }

    template <typename T> Setting<T> number(const Spec& s, T fallback, T lo, T hi) const
    {
        Setting<T> out{fallback};
        auto raw = pick(s, m_layers);
        if (!raw)
            return out;
        std::optional<double> v;
        if constexpr (std::is_integral_v<T>) {
            if (auto i = raw->value.toInt())
                v = static_cast<double>(*i);
        } else {
            v = raw->value.toDouble();
        }
        if (!v) {
            m_problems.push_back(raw->where + ": '" + raw->value.toString() + "' is not a number; " +
                                 "the default " + format(fallback) + " is used (fix or remove the value)");
            return out;
        }
        out.value = static_cast<T>(std::clamp(*v, static_cast<double>(lo), static_cast<double>(hi)));
        out.source = raw->source;
        out.where = raw->where;
        return out;
    }

    Setting<std::string> choice(const Spec& s, std::string fallback,
                                std::initializer_list<const char*> allowed) const
    {
        Setting<std::string> out = text(s, fallback);
        // An option is checked by the front end, whose message names it (validateRequest).
        if (out.source == SettingSource::Option)
            return out;
        for (const char* a : allowed)
            if (out.value == a)
                return out;
        std::string words;
        for (const char* a : allowed)
            words += (words.empty() ? "" : ", ") + std::string(a);
        m_problems.push_back(out.where + ": '" + out.value + "' is not one of " + words + "; the default " +
                             fallback + " is used");
        return Setting<std::string>{std::move(fallback)};
    }

private:
    template <typename T> static std::string format(T v)
    {
        std::ostringstream s;
        s << v;
        return s.str();
    }
    const SettingLayers& m_layers;
    std::vector<std::string>& m_problems;
};

std::string readFile(const std::string& path, bool& exists)
{
    std::ifstream f(path, std::ios::binary);
    exists = static_cast<bool>(f);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string joined(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

} // namespace

const char* settingSourceName(SettingSource s)
{
    switch (s) {
    case SettingSource::Option:
        return "option";
    case SettingSource::Environment:
        return "environment";
    case SettingSource::SettingsFile:
        return "settings file";
    case SettingSource::ModalJson:
        return "modal.json";
    case SettingSource::Default:
        return "default";
    }
    return "default";
}

std::string settingsFilePath()
{
    if (const char* e = std::getenv("KERNELWATCH_SETTINGS"))
        return e;
    return paths::configDir() + "/kernelwatch.conf";
}

SettingLayers SettingLayers::load(std::map<std::string, std::string> options, const std::string& settingsPath)
{
    SettingLayers l;
    l.options = std::move(options);
    l.environment = childenv::current();
    l.settingsPath = settingsPath;
    bool exists = false;
    if (!l.settingsPath.empty()) {
        const std::string text = readFile(l.settingsPath, exists);
        if (exists)
            l.settingsFile = parseQtIni(text);
        l.settingsFileFound = exists;
    }
    l.modalJsonPath = modalSettingsPath();
    const std::string modal = readFile(l.modalJsonPath, exists);
    if (exists) {
        auto j = nlohmann::json::parse(modal, nullptr, false);
        if (j.is_object())
            l.modalJson = std::move(j);
    }
    return l;
}

AppSettings AppSettings::resolve(const SettingLayers& l)
{
    AppSettings s;
    s.settingsPath = l.settingsPath;
    s.settingsFileFound = l.settingsFileFound;
    for (const auto& p : l.settingsFile.problems)
        s.problems.push_back(l.settingsPath + ": " + p);
    const Resolver r(l, s.problems);
    s.python = r.text({"python", "KERNELWATCH_PYTHON", "local/python", nullptr}, "");
    s.devices = r.list({nullptr, nullptr, "local/devices", nullptr}, {});
    s.cpuConcurrency = r.number<int>({nullptr, nullptr, "local/cpuConcurrency", nullptr}, 1, 1, 256);
    s.cacheDir = r.text({nullptr, nullptr, "local/cacheDir", nullptr}, paths::cacheDir() + "/compile");
    s.historyPath = r.text({"db", nullptr, "storage/history", nullptr}, HistoryStore::defaultPath());
    s.ncuPath = r.text({"ncu", "KERNELWATCH_NCU", "profile/ncu", nullptr}, "");
    s.memLimitMb =
        r.number<long long>({"mem-limit-mb", kMemLimitEnv, "local/memLimitMb", nullptr}, -1, 0, 1LL << 30);

    s.modalEndpoint = r.text({"endpoint", "KERNELWATCH_MODAL_ENDPOINT", "modal/endpoint", "endpoint"}, "");
    s.modalGpu = r.text({"gpu", "KERNELWATCH_MODAL_GPU", "modal/gpuType", "gpu"}, ModalConfig{}.gpuType);
    s.modalTimeoutS = r.number<int>({nullptr, nullptr, "modal/timeoutS", "timeout_s"}, 300, 10, 86400);
    s.modalProxyKey = r.text({nullptr, "KERNELWATCH_PROXY_KEY", "modal/proxyKey", nullptr}, "");
    s.modalProxySecret = r.text({nullptr, "KERNELWATCH_PROXY_SECRET", "modal/proxySecret", nullptr}, "");
    // A proxy token has two parts: one of them in the environment takes both from there.
    const bool keyEnv = s.modalProxyKey.source == SettingSource::Environment;
    const bool secretEnv = s.modalProxySecret.source == SettingSource::Environment;
    if (keyEnv != secretEnv)
        (keyEnv ? s.modalProxySecret : s.modalProxyKey) = Setting<std::string>{
            "", SettingSource::Environment,
            keyEnv ? "KERNELWATCH_PROXY_SECRET (unset)" : "KERNELWATCH_PROXY_KEY (unset)"};
    s.modalCli = r.text({"modal", "KERNELWATCH_MODAL_BIN", "modal/cli", nullptr},
                        ModalCliOptions::defaultProgram(processSearchPath(), paths::homeDir()));

    s.correctTrials = r.number<int>({"trials", nullptr, "defaults/correctTrials", nullptr}, 5, 1, 1000);
    s.perfTrials = r.number<int>({"perf-trials", nullptr, "defaults/perfTrials", nullptr}, 100, 1, 100000);
    s.precision =
        r.choice({"precision", nullptr, "defaults/precision", nullptr}, "fp32", {"fp32", "fp16", "bf16"});
    s.timeoutS = r.number<double>({"timeout", nullptr, "defaults/timeoutS", nullptr}, 300.0, 1.0, 86400.0);
    s.backend = r.choice({"backend", nullptr, "defaults/backend", nullptr}, "cuda", {"cuda", "triton"});
    // Eager is always measured; compile is the one optional baseline (as the GUI reads it).
    s.baselines = r.list({nullptr, nullptr, "defaults/baselines", nullptr}, {"eager"});
    const bool compile =
        std::find(s.baselines.value.begin(), s.baselines.value.end(), "compile") != s.baselines.value.end();
    s.baselines.value =
        compile ? std::vector<std::string>{"eager", "compile"} : std::vector<std::string>{"eager"};
    s.compileMode = r.choice({"compile-mode", nullptr, "defaults/compileMode", nullptr}, "default",
                             {"default", "max-autotune-no-cudagraphs"});
    return s;
}

LocalConfig AppSettings::localConfig() const
{
    LocalConfig c;
    c.python = python.value;
    c.devices = devices.value;
    c.cpuConcurrency = cpuConcurrency.value;
    c.cacheDir = cacheDir.value;
    // Named as the cap's messages name it: "(KERNELWATCH_MEM_LIMIT_MB=2048)".
    if (memLimitMb.value >= 0) {
        c.memLimitMb = memLimitMb.value;
        c.memLimitSource = memLimitMb.source == SettingSource::Option        ? "--mem-limit-mb"
                           : memLimitMb.source == SettingSource::Environment ? kMemLimitEnv
                                                                             : "Settings → Memory cap";
    }
    return c;
}

ModalConfig AppSettings::modalConfig() const
{
    ModalConfig c;
    c.endpoint = modalEndpoint.value;
    c.gpuType = modalGpu.value;
    c.proxyKey = modalProxyKey.value;
    c.proxySecret = modalProxySecret.value;
    return c;
}

ModalCliOptions AppSettings::modalCliOptions() const
{
    ModalCliOptions o = ModalCliOptions::fromEnvironment();
    o.program = modalCli.value;
    return o;
}

std::vector<std::array<std::string, 3>> AppSettings::rows() const
{
    auto row = [](const char* name, const std::string& value, const std::string& where) {
        return std::array<std::string, 3>{name, value, where};
    };
    auto num = [](double v) {
        std::ostringstream s;
        s << v;
        return s.str();
    };
    return {
        row("python", python.value.empty() ? "(discover)" : python.value, python.where),
        row("devices", devices.value.empty() ? "(every visible GPU, else the CPU)" : joined(devices.value),
            devices.where),
        row("cpu_concurrency", num(cpuConcurrency.value), cpuConcurrency.where),
        row("cache_dir", cacheDir.value, cacheDir.where),
        row("history", historyPath.value, historyPath.where),
        row("ncu", ncuPath.value.empty() ? "(discover)" : ncuPath.value, ncuPath.where),
        row("mem_limit_mb",
            memLimitMb.value < 0 ? "(half of RAM)"
                                 : (memLimitMb.value == 0 ? "0 (no cap)" : num(double(memLimitMb.value))),
            memLimitMb.where),
        row("modal_endpoint", modalEndpoint.value.empty() ? "(none)" : modalEndpoint.value,
            modalEndpoint.where),
        row("modal_gpu", modalGpu.value, modalGpu.where),
        row("modal_timeout_s", num(modalTimeoutS.value), modalTimeoutS.where),
        row("modal_proxy_key", modalProxyKey.value.empty() ? "(none)" : maskModalToken(modalProxyKey.value),
            modalProxyKey.where),
        row("modal_cli", modalCli.value, modalCli.where),
        row("trials", num(correctTrials.value), correctTrials.where),
        row("perf_trials", num(perfTrials.value), perfTrials.where),
        row("precision", precision.value, precision.where),
        row("timeout_s", num(timeoutS.value), timeoutS.where),
        row("backend", backend.value, backend.where),
        row("baselines", joined(baselines.value), baselines.where),
        row("compile_mode", compileMode.value, compileMode.where),
    };
}

} // namespace kw
