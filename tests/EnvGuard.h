#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <map>
#include <optional>
#include <string>

// Sets environment variables for one test and restores them when it goes out of scope.
class EnvGuard
{
public:
    EnvGuard() = default;
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;

    void set(const char* name, const QByteArray& value)
    {
        if (!m_old.count(name))
            m_old[name] =
                qEnvironmentVariableIsSet(name) ? std::optional<QByteArray>(qgetenv(name)) : std::nullopt;
        qputenv(name, value);
    }
    ~EnvGuard()
    {
        for (const auto& [k, v] : m_old)
            v ? qputenv(k.c_str(), *v) : qunsetenv(k.c_str());
    }

private:
    std::map<std::string, std::optional<QByteArray>> m_old;
};
