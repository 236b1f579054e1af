// kernelwatch-cli config show FILE | config set FILE key=value...: the evaluation settings of a
// kernel_rl training config (rl_kernelbench.yaml), edited without touching any other byte.
#include "app/cli/ArgParser.h"
#include "app/cli/Command.h"

#include "core/base/AtomicFile.h"
#include "core/config/TrainingConfig.h"
#include "core/modal/ModalConfig.h"
#include "core/modal/ModalGpu.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kw::cli {
namespace {

// The deployed app's maximum timeout as saved by `modal deploy`, 0 when unknown.
int savedDeployTimeout()
{
    std::ifstream f(modalSettingsPath());
    std::stringstream ss;
    ss << f.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    return j.is_object() ? j.value("timeout_s", 0) : 0;
}

// Warnings about values present in the file (they may have been written by hand).
std::vector<std::string> warningsFor(const TrainingSettingsView& view)
{
    std::vector<std::string> out;
    for (const auto& [key, value] : view.values) {
        if (!value)
            continue;
        YamlScalarValue parsed;
        if (auto err = validateTrainingValue(key, *value, parsed); !err.empty())
            out.push_back(err);
    }
    for (const auto& [key, value] : view.values) {
        if (key != "modal_timeout" || !value)
            continue;
        const int deployed = savedDeployTimeout();
        const int want = static_cast<int>(std::atof(value->c_str()));
        if (deployed > 0 && want > deployed)
            out.push_back("modal_timeout " + std::to_string(want) + " s exceeds the deployed app's maximum " +
                          std::to_string(deployed) +
                          " s: redeploy with kernelwatch-cli modal deploy --timeout " + std::to_string(want));
    }
    return out;
}

int show(const std::string& file, bool json)
{
    std::string text;
    if (auto err = readWholeFile(file, text); !err.empty()) {
        std::fprintf(stderr, "kernelwatch-cli config: %s\n", err.c_str());
        return ExitUsage;
    }
    const auto view = readTrainingSettings(text);
    if (!view.error.empty()) {
        std::fprintf(stderr, "kernelwatch-cli config: %s: %s\n", file.c_str(), view.error.c_str());
        return ExitUsage;
    }
    const auto warnings = warningsFor(view);
    auto notes = kernelRlWarnings(view);
    for (const auto& [key, value] : view.values)
        if (key == "modal_timeout" && value)
            for (auto& n : legacyDeadlineNotes(std::atof(value->c_str()), savedLegacyDeadlineS()))
                notes.push_back(std::move(n));
    if (json) {
        nlohmann::json settings = nlohmann::json::object();
        for (const auto& [k, v] : view.values)
            settings[k] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
        std::printf("%s\n", nlohmann::json{{"file", file},
                                           {"section", view.section},
                                           {"settings", settings},
                                           {"warnings", warnings},
                                           {"notes", notes}}
                                .dump(2)
                                .c_str());
    } else {
        std::printf("%s (%s:)\n", file.c_str(), view.section.c_str());
        for (const auto& [k, v] : view.values)
            std::printf("  %-20s %s\n", k.c_str(), v ? v->c_str() : "(not set)");
        for (const auto& w : warnings)
            std::printf("warning: %s\n", w.c_str());
        for (const auto& n : notes)
            std::printf("note: %s\n", n.c_str());
    }
    return warnings.empty() ? ExitOk : ExitFailure;
}

int set(const std::string& file, const std::vector<std::string>& assignments, bool dryRun, bool backup,
        bool json)
{
    std::vector<TrainingChange> changes;
    for (const auto& a : assignments) {
        TrainingChange c;
        if (auto err = parseTrainingAssignment(a, c); !err.empty()) {
            std::fprintf(stderr, "kernelwatch-cli config set: %s\n", err.c_str());
            return ExitUsage;
        }
        changes.push_back(std::move(c));
    }
    std::string text;
    if (auto err = readWholeFile(file, text); !err.empty()) {
        std::fprintf(stderr, "kernelwatch-cli config: %s\n", err.c_str());
        return ExitUsage;
    }
    const auto before = readTrainingSettings(text);
    auto r = applyTrainingChanges(text, changes);
    if (!r.ok()) {
        std::fprintf(stderr, "kernelwatch-cli config set: %s: %s (file unchanged)\n", file.c_str(),
                     r.error.c_str());
        return ExitFailure;
    }
    if (r.changed && !dryRun) {
        if (auto err = writeFileAtomically(file, r.text, backup ? ".bak" : ""); !err.empty()) {
            std::fprintf(stderr, "kernelwatch-cli config set: %s\n", err.c_str());
            return ExitInfra;
        }
    }
    const auto after = readTrainingSettings(r.text);
    nlohmann::json changed = nlohmann::json::array();
    for (std::size_t i = 0; i < after.values.size() && i < before.values.size(); ++i) {
        const auto& [k, v] = after.values[i];
        const auto& old = before.values[i].second;
        if (old == v)
            continue;
        changed.push_back({{"key", k},
                           {"old", old ? nlohmann::json(*old) : nlohmann::json(nullptr)},
                           {"new", v ? nlohmann::json(*v) : nlohmann::json(nullptr)}});
        if (!json)
            std::printf("%s: %s -> %s\n", k.c_str(), old ? old->c_str() : "(not set)",
                        v ? v->c_str() : "(not set)");
    }
    if (json)
        std::printf("%s\n", nlohmann::json{{"file", file},
                                           {"changed", changed},
                                           {"written", r.changed && !dryRun},
                                           {"backup", r.changed && !dryRun && backup ? file + ".bak" : ""}}
                                .dump(2)
                                .c_str());
    else if (!r.changed)
        std::printf("no change: %s already has these values\n", file.c_str());
    else if (dryRun)
        std::printf("(dry run: %s not written)\n", file.c_str());
    else if (backup)
        std::printf("written %s (previous version in %s.bak)\n", file.c_str(), file.c_str());
    return ExitOk;
}

int runConfig(const std::vector<std::string>& args)
{
    ArgParser p;
    p.flag("json", "print JSON")
        .flag("dry-run", "set: show what would change, write nothing")
        .flag("no-backup", "set: do not keep FILE.bak")
        .flag("help", "show this help");
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli config: %s\n", p.error().c_str());
        return ExitUsage;
    }
    const auto& pos = p.positionals();
    std::string keys;
    for (const auto& s : trainingSettings())
        keys += "  " + s.key + std::string(s.key.size() < 20 ? 20 - s.key.size() : 1, ' ') + s.help + "\n";
    const std::string usage =
        "usage: kernelwatch-cli config show FILE [--json]\n"
        "       kernelwatch-cli config set FILE key=value... [--dry-run] [--no-backup]\n\n"
        "settings (under dataset_builder:):\n" +
        keys + "\noptions:\n" + p.helpText();
    if (p.has("help")) {
        std::printf("%s", usage.c_str());
        return ExitOk;
    }
    if (pos.size() >= 2 && pos[0] == "show" && pos.size() == 2)
        return show(pos[1], p.has("json"));
    if (pos.size() >= 3 && pos[0] == "set")
        return set(pos[1], std::vector<std::string>(pos.begin() + 2, pos.end()), p.has("dry-run"),
                   !p.has("no-backup"), p.has("json"));
    std::fprintf(stderr, "%s", usage.c_str());
    return ExitUsage;
}

const CommandRegistrar reg({"config", "config show FILE | config set FILE key=value...",
                            "show or change the evaluation settings of a training config (YAML)",
                            &runConfig});

} // namespace
} // namespace kw::cli
