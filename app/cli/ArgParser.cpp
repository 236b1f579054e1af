#include "app/cli/ArgParser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace kw::cli {

ArgParser& ArgParser::flag(const std::string& name, const std::string& help)
{
    m_specs[name] = Spec{false, false, {}, help};
    m_order.push_back(name);
    return *this;
}

ArgParser& ArgParser::option(const std::string& name, const std::string& metavar, const std::string& help)
{
    m_specs[name] = Spec{true, false, metavar, help};
    m_order.push_back(name);
    return *this;
}

ArgParser& ArgParser::repeatable(const std::string& name, const std::string& metavar, const std::string& help)
{
    m_specs[name] = Spec{true, true, metavar, help};
    m_order.push_back(name);
    return *this;
}

bool ArgParser::parse(const std::vector<std::string>& args)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            m_positionals.insert(m_positionals.end(), args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
        if (a.size() < 3 || a.rfind("--", 0) != 0) {
            m_positionals.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name.resize(eq);
        }
        auto it = m_specs.find(name);
        if (it == m_specs.end()) {
            m_error = "unknown option --" + name;
            return false;
        }
        if (!it->second.takesValue) {
            if (inlineValue) {
                m_error = "option --" + name + " takes no value";
                return false;
            }
            m_values[name].push_back("1");
            continue;
        }
        std::string v;
        if (inlineValue) {
            v = *inlineValue;
        } else if (i + 1 < args.size()) {
            v = args[++i];
        } else {
            m_error = "option --" + name + " needs a value (" + it->second.metavar + ")";
            return false;
        }
        if (!it->second.repeat && m_values.count(name)) {
            m_error = "option --" + name + " given twice";
            return false;
        }
        m_values[name].push_back(v);
    }
    return true;
}

std::string ArgParser::helpText() const
{
    std::string out;
    for (const auto& n : m_order) {
        const Spec& s = m_specs.at(n);
        std::string left = "  --" + n + (s.takesValue ? " " + s.metavar : "");
        if (left.size() < 28)
            left.resize(28, ' ');
        else
            left += "  ";
        out += left + s.help + "\n";
    }
    return out;
}

bool ArgParser::has(const std::string& name) const
{
    return m_values.count(name) != 0;
}

std::optional<std::string> ArgParser::value(const std::string& name) const
{
    auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::string ArgParser::valueOr(const std::string& name, const std::string& fallback) const
{
    return value(name).value_or(fallback);
}

std::vector<std::string> ArgParser::values(const std::string& name) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

std::optional<int> ArgParser::intValue(const std::string& name, int lo, int hi)
{
    auto v = value(name);
    if (!v)
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (errno || end == v->c_str() || *end || n < lo || n > hi) {
        m_error = "--" + name + " must be a whole number from " + std::to_string(lo) + " to " +
                  std::to_string(hi) + " (got '" + *v + "')";
        return std::nullopt;
    }
    return static_cast<int>(n);
}

std::optional<double> ArgParser::doubleValue(const std::string& name, double lo, double hi)
{
    auto v = value(name);
    if (!v)
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    if (errno || end == v->c_str() || *end || !std::isfinite(d) || d < lo || d > hi) {
        m_error = "--" + name + " must be a number from " + std::to_string(static_cast<long long>(lo)) +
                  " to " + std::to_string(static_cast<long long>(hi)) + " (got '" + *v + "')";
        return std::nullopt;
    }
    return d;
}

} // namespace kw::cli
