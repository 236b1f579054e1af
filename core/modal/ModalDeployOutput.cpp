#include "core/modal/ModalDeployOutput.h"

#include "core/base/Text.h"
#include "core/modal/ModalErrorBox.h"
#include "core/modal/ModalLogLine.h"

#include <cstdlib>

namespace kw {

namespace {

// The first whitespace-delimited token at or after `at`.
std::string_view tokenAt(std::string_view s, std::size_t at)
{
    while (at < s.size() && s[at] == ' ')
        ++at;
    std::size_t end = at;
    while (end < s.size() && s[end] != ' ' && s[end] != '\t')
        ++end;
    return s.substr(at, end - at);
}

std::string urlAfter(std::string_view line, std::string_view marker)
{
    const auto at = line.find(marker);
    if (at == std::string_view::npos)
        return {};
    auto tok = tokenAt(line, at + marker.size());
    while (!tok.empty() && (tok.back() == '.' || tok.back() == ',')) // "…at URL."
        tok.remove_suffix(1);
    return tok.rfind("http", 0) == 0 ? std::string(tok) : std::string{};
}

// " 🔑" (U+1F511) after a web function's URL: the endpoint requires proxy auth.
constexpr std::string_view kProxyAuthKey = "\xf0\x9f\x94\x91";

bool stripProxyAuthMark(std::string_view& s)
{
    s = text::trim(s);
    if (s.size() < kProxyAuthKey.size() || s.substr(s.size() - kProxyAuthKey.size()) != kProxyAuthKey)
        return false;
    s.remove_suffix(kProxyAuthKey.size());
    s = text::trim(s);
    return true;
}

} // namespace

ModalDeployStage modalDeployStageOf(std::string_view raw)
{
    const std::string line = stripAnsi(raw);
    if (line.find("App deployed") != std::string::npos ||
        line.find("Deployment skipped") != std::string::npos)
        return ModalDeployStage::Deployed;
    if (line.find("Error") != std::string::npos && line.find("\xe2\x95\xad") != std::string::npos)
        return ModalDeployStage::Failed;
    if (line.find("Traceback (most recent call last)") != std::string::npos)
        return ModalDeployStage::Failed;
    if (line.find("Created objects") != std::string::npos ||
        line.find("Creating objects") != std::string::npos || line.find("Created ") != std::string::npos)
        return ModalDeployStage::CreatingObjects;
    if (line.find("Building image") != std::string::npos || line.find("Built image") != std::string::npos ||
        line.find("=> Step") != std::string::npos)
        return ModalDeployStage::BuildingImage;
    if (line.find("Initialized") != std::string::npos || line.find("Initializing") != std::string::npos)
        return ModalDeployStage::Initializing;
    return ModalDeployStage::Unknown;
}

ModalDeployResult parseModalDeployOutput(std::string_view raw, int exitCode)
{
    ModalDeployResult r;
    const std::string text = stripAnsi(raw);
    std::string_view rest = text;
    bool deployedLine = false;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        const std::string_view line = text::trim(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);

        if (auto at = line.find("App deployed in "); at != std::string_view::npos) {
            deployedLine = true;
            const std::string num(tokenAt(line, at + 16));
            char* end = nullptr;
            const double secs = std::strtod(num.c_str(), &end);
            if (end != num.c_str() && secs >= 0)
                r.deploySeconds = secs;
        } else if (line.find("App deployed") != std::string_view::npos) {
            deployedLine = true;
        } else if (line.find("Deployment skipped") != std::string_view::npos) {
            // modal >= 1.4: "✓ Deployment skipped: no changes detected! ⏭️", exit 0. The app as
            // deployed before is what runs; the web function lines are still printed.
            deployedLine = true;
            r.skipped = true;
        }
        if (auto u = urlAfter(line, "View Deployment:"); !u.empty())
            r.deploymentUrl = u;
        if (auto u = urlAfter(line, "View app page at"); !u.empty())
            r.appPageUrl = u;
        if (auto u = urlAfter(line, "View run at"); !u.empty() && r.appPageUrl.empty())
            r.appPageUrl = u;

        // Tree lines: "├── 🔨 Created web function NAME => URL", "└── 🔨 Created function X."
        const auto created = line.find("Created ");
        if (created == std::string_view::npos || line.find("Created objects") != std::string_view::npos)
            continue;
        std::string_view what = line.substr(created + 8);
        const bool proxyAuth = stripProxyAuthMark(what);
        for (std::string_view prefix : {"web function ", "web endpoint "}) {
            if (what.rfind(prefix, 0) == 0) {
                std::string_view spec = what.substr(prefix.size());
                const auto arrow = spec.find("=>");
                if (arrow != std::string_view::npos) {
                    ModalWebFunction f;
                    f.name = std::string(text::trim(spec.substr(0, arrow)));
                    f.url = std::string(tokenAt(spec, arrow + 2));
                    f.proxyAuth = proxyAuth;
                    if (!f.name.empty() && f.url.rfind("http", 0) == 0)
                        r.webFunctions.push_back(std::move(f));
                }
            }
        }
        std::string obj(text::trim(what));
        if (!obj.empty() && obj.back() == '.')
            obj.pop_back();
        if (!obj.empty())
            r.createdObjects.push_back(std::move(obj));
    }
    r.success = deployedLine && (exitCode < 0 || exitCode == 0);
    if (!r.success) {
        r.error = extractModalErrorBox(text);
        if (r.error.empty())
            r.error = lastTracebackLine(text);
        r.errorDetail = richTracebackPanel(text);
        if (r.error.empty())
            r.error = exitCode > 0 ? "modal deploy exited with code " + std::to_string(exitCode)
                                   : "modal deploy did not report a deployed app";
    }
    return r;
}

std::string modalEndpointUrl(const ModalDeployResult& r, std::string_view preferredName)
{
    for (const auto& f : r.webFunctions)
        if (f.name == preferredName)
            return f.url;
    return r.webFunctions.empty() ? std::string{} : r.webFunctions.front().url;
}

} // namespace kw
