#include "core/base/ChildEnv.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <unistd.h>

extern char** environ;

namespace kw::childenv {

namespace {
std::string_view nameOf(std::string_view entry)
{
    const auto eq = entry.find('=');
    return eq == std::string_view::npos ? entry : entry.substr(0, eq);
}

std::string upper(std::string_view s)
{
    std::string u(s);
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return u;
}
} // namespace

Env current()
{
    Env env;
    for (char** e = environ; e && *e; ++e)
        env.emplace_back(*e);
    return env;
}

bool isSecretName(std::string_view name)
{
    const std::string u = upper(name);
    return u.rfind("MODAL_", 0) == 0 || u.find("TOKEN") != std::string::npos ||
           u.find("SECRET") != std::string::npos || u.find("KEY") != std::string::npos;
}

Env withoutSecrets(const Env& env)
{
    Env out;
    out.reserve(env.size());
    for (const auto& e : env)
        if (!isSecretName(nameOf(e)))
            out.push_back(e);
    return out;
}

std::optional<std::string> get(const Env& env, std::string_view name)
{
    for (const auto& e : env)
        if (nameOf(e) == name && e.size() > name.size())
            return e.substr(name.size() + 1);
    return std::nullopt;
}

void set(Env& env, std::string_view name, std::string_view value)
{
    unset(env, name);
    env.push_back(std::string(name) + "=" + std::string(value));
}

void unset(Env& env, std::string_view name)
{
    env.erase(
        std::remove_if(env.begin(), env.end(), [name](const std::string& e) { return nameOf(e) == name; }),
        env.end());
}

std::string cudaVisibleFor(int index, const std::optional<std::string>& parentValue)
{
    if (!parentValue)
        return std::to_string(index);
    std::vector<std::string> ids;
    std::stringstream ss(*parentValue);
    for (std::string item; std::getline(ss, item, ',');) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty())
            ids.push_back(item);
    }
    if (index >= 0 && std::size_t(index) < ids.size())
        return ids[std::size_t(index)];
    return std::to_string(index);
}

Env forZygote(const Env& base, const std::string& evaluatorDir, const std::string& cudaVisible)
{
    Env env = withoutSecrets(base);
    const auto pp = get(env, "PYTHONPATH");
    set(env, "PYTHONPATH", pp && !pp->empty() ? evaluatorDir + ":" + *pp : evaluatorDir);
    set(env, "PYTHONUNBUFFERED", "1");
    set(env, "PYTHONDONTWRITEBYTECODE", "1");
    set(env, "CUDA_VISIBLE_DEVICES", cudaVisible);
    return env;
}

} // namespace kw::childenv
