#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kw::cli {

// Small, strict option parser: --name VALUE, --name=VALUE, boolean --flag, positionals.
// Unknown options and missing values are errors (the caller prints them and exits 2).
class ArgParser
{
public:
    ArgParser& flag(const std::string& name, const std::string& help);
    ArgParser& option(const std::string& name, const std::string& metavar, const std::string& help);
    ArgParser& repeatable(const std::string& name, const std::string& metavar, const std::string& help);

    // Returns false and sets error() when the arguments are invalid.
    bool parse(const std::vector<std::string>& args);
    const std::string& error() const { return m_error; }
    std::string helpText() const;

    bool has(const std::string& name) const;
    std::optional<std::string> value(const std::string& name) const;
    std::string valueOr(const std::string& name, const std::string& fallback) const;
    std::vector<std::string> values(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }

    // Typed getters: on a malformed number set error() and return nullopt.
    std::optional<int> intValue(const std::string& name, int lo, int hi);
    std::optional<double> doubleValue(const std::string& name, double lo, double hi);

private:
    struct Spec
    {
        bool takesValue = false;
        bool repeat = false;
        std::string metavar, help;
    };
    std::map<std::string, Spec> m_specs;
    std::vector<std::string> m_order;
    std::map<std::string, std::vector<std::string>> m_values;
    std::vector<std::string> m_positionals;
    std::string m_error;
};

} // namespace kw::cli
