#include "core/modal/ModalConfig.h"

#include <algorithm>

#include "core/base/Paths.h"
#include "core/modal/ModalGpu.h"
#include "core/modal/ModalSecrets.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kw {

namespace {
std::string envOr(const char* name, const std::string& fallback)
{
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}
} // namespace

ModalConfig ModalConfig::fromEnvironment()
{
    ModalConfig c;
    loadSavedModalEndpoint(c);
    c.endpoint = envOr("KERNELWATCH_MODAL_ENDPOINT", c.endpoint);
    c.gpuType = envOr("KERNELWATCH_MODAL_GPU", c.gpuType);
    c.proxyKey = envOr("KERNELWATCH_PROXY_KEY", {});
    c.proxySecret = envOr("KERNELWATCH_PROXY_SECRET", {});
    return c;
}

std::string ModalConfig::validate() const
{
    if (endpoint.empty())
        return "no Modal endpoint: deploy the app (kernelwatch-cli modal deploy) or pass --endpoint URL "
               "(or set KERNELWATCH_MODAL_ENDPOINT)";
    if (endpoint.rfind("https://", 0) != 0 && endpoint.rfind("http://", 0) != 0)
        return "the Modal endpoint must be an http(s) URL, got '" + endpoint + "'";
    if (proxyKey.empty() != proxySecret.empty())
        return "set both KERNELWATCH_PROXY_KEY and KERNELWATCH_PROXY_SECRET (a proxy auth token has two "
               "parts)";
    if (auto spec = parseModalGpu(gpuType); !spec.ok())
        return spec.error;
    if (maxInFlight < 1 || maxInFlight > 4096)
        return "concurrency must be between 1 and 4096";
    return {};
}

std::string ModalConfig::describe() const
{
    std::string s = "Modal: " + gpuType + " at " + (endpoint.empty() ? "(no endpoint)" : endpoint);
    s += proxyKey.empty() ? ", no proxy auth token" : ", proxy auth " + maskModalToken(proxyKey);
    return s;
}

double ModalConfig::deadlineFor(double requestTimeoutS) const
{
    if (deadlineS > 0)
        return deadlineS;
    return (requestTimeoutS > 0 ? requestTimeoutS : 300.0) + deadlineSlackS;
}

std::string modalSettingsPath()
{
    return paths::configDir() + "/modal.json";
}

int savedLegacyDeadlineS()
{
    std::ifstream f(modalSettingsPath());
    if (!f)
        return 0;
    std::stringstream ss;
    ss << f.rdbuf();
    const auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    return j.is_object() && j.value("legacy_deadline_s", nlohmann::json()).is_number_integer()
               ? j["legacy_deadline_s"].get<int>()
               : 0;
}

std::vector<std::string> legacyDeadlineNotes(double modalTimeoutS, int legacyDeadlineS)
{
    std::vector<std::string> out;
    if (!(modalTimeoutS > 0))
        return out;
    const int t = static_cast<int>(modalTimeoutS);
    if (legacyDeadlineS > 0 && t < legacyDeadlineS)
        out.push_back(
            "modal_timeout " + std::to_string(t) + " s is shorter than the deployed app's legacy deadline " +
            std::to_string(legacyDeadlineS) +
            " s: Modal kills the container before the app can return a timeout result (the caller gets "
            "FunctionTimeoutError, no KERNELWATCH_EVAL line, the warm container is lost). Redeploy with "
            "kernelwatch-cli modal deploy --legacy-deadline " +
            std::to_string(t) + ", or raise modal_timeout");
    else if (legacyDeadlineS > 0 && t > legacyDeadlineS + kLegacyMarginS)
        out.push_back("modal_timeout " + std::to_string(t) +
                      " s: the deployed app stops legacy evaluations at " +
                      std::to_string(legacyDeadlineS - kLegacyMarginS) +
                      " s anyway; redeploy with --legacy-deadline " + std::to_string(t) + " to use the time");
    if (t < kColdCudaBuildS + kLegacyMarginS)
        out.push_back(
            "modal_timeout " + std::to_string(t) + " s leaves " +
            std::to_string(std::max(0, t - kLegacyMarginS)) +
            " s for an evaluation: a cold CUDA (load_inline) build alone takes 65-90 s, so CUDA kernels may "
            "time out on a fresh container; " +
            std::to_string(kColdCudaBuildS + kLegacyMarginS + 22) + " s or more is safer");
    return out;
}

bool saveModalEndpoint(const std::string& endpoint, const std::string& gpuType, int timeoutS,
                       int legacyDeadlineS)
{
    if (!paths::makeDirs(paths::configDir()))
        return false;
    nlohmann::json j{{"endpoint", endpoint}, {"gpu", gpuType}, {"timeout_s", timeoutS}};
    if (legacyDeadlineS > 0)
        j["legacy_deadline_s"] = legacyDeadlineS;
    const std::string path = modalSettingsPath();
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::trunc);
        if (!f)
            return false;
        f << j.dump(2) << "\n";
        if (!f.flush())
            return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool loadSavedModalEndpoint(ModalConfig& config)
{
    std::ifstream f(modalSettingsPath());
    if (!f)
        return false;
    std::stringstream ss;
    ss << f.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (!j.is_object())
        return false;
    if (auto it = j.find("endpoint"); it != j.end() && it->is_string())
        config.endpoint = it->get<std::string>();
    if (auto it = j.find("gpu"); it != j.end() && it->is_string() && !it->get<std::string>().empty())
        config.gpuType = it->get<std::string>();
    return !config.endpoint.empty();
}

} // namespace kw
