#include "core/local/PythonFinder.h"

#include "core/base/ChildEnv.h"
#include "core/base/ExecutableSearch.h"
#include "core/base/Subprocess.h"
#include "core/base/Text.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace kw {

using nlohmann::json;

namespace {

std::string trimLine(std::string_view line)
{
    std::string s(text::trim(line));
    if (s.size() > 300)
        s = s.substr(0, 300) + "...";
    return s;
}

std::string strOf(const json& j, std::initializer_list<const char*> keys)
{
    for (const char* k : keys) {
        auto it = j.find(k);
        if (it == j.end() || it->is_null())
            continue;
        if (it->is_string())
            return it->get<std::string>();
        if (it->is_number())
            return it->dump();
    }
    return {};
}

std::string archFrom(const json& g)
{
    std::string a = strOf(g, {"arch", "sm"});
    if (!a.empty()) {
        if (a.rfind("sm_", 0) != 0 && a.find_first_not_of("0123456789.") == std::string::npos) {
            a.erase(std::remove(a.begin(), a.end(), '.'), a.end());
            a = "sm_" + a;
        }
        return a;
    }
    auto it = g.find("capability");
    if (it != g.end() && it->is_array() && it->size() == 2 && (*it)[0].is_number_integer() &&
        (*it)[1].is_number_integer())
        return "sm_" + std::to_string((*it)[0].get<int>()) + std::to_string((*it)[1].get<int>());
    return {};
}

} // namespace

PythonProbe parseProbeOutput(std::string_view text)
{
    PythonProbe p;
    json doc;
    // The last line holding a JSON object: anything torch prints before it is ignored.
    std::string s(text);
    std::size_t end = s.size();
    while (end > 0) {
        std::size_t start = s.rfind('\n', end - 1);
        start = start == std::string::npos ? 0 : start + 1;
        const std::string line = trimLine(s.substr(start, end - start));
        if (!line.empty() && line.front() == '{') {
            json j = json::parse(s.substr(start, end - start), nullptr, false);
            if (j.is_object()) {
                doc = std::move(j);
                break;
            }
        }
        if (start == 0)
            break;
        end = start - 1;
    }
    if (!doc.is_object()) {
        p.error = "the probe printed no JSON document";
        return p;
    }
    p.path = strOf(doc, {"executable", "path"});
    p.pythonVersion = strOf(doc, {"python", "python_version"});
    p.torchVersion = strOf(doc, {"torch", "torch_version"});
    p.torchCuda = strOf(doc, {"torch_cuda", "cuda_version", "cuda"});
    if (auto it = doc.find("triton"); it != doc.end())
        p.tritonAvailable =
            (it->is_boolean() && it->get<bool>()) || (it->is_string() && !it->get<std::string>().empty());
    if (auto it = doc.find("triton_available"); it != doc.end() && it->is_boolean())
        p.tritonAvailable = it->get<bool>();
    if (auto it = doc.find("gpus"); it != doc.end() && it->is_array()) {
        int i = 0;
        for (const auto& g : *it) {
            if (!g.is_object())
                continue;
            GpuDescription d;
            d.index = g.contains("index") && g["index"].is_number_integer() ? g["index"].get<int>() : i;
            d.name = strOf(g, {"name"});
            d.arch = archFrom(g);
            if (auto m = g.find("memory_gib"); m != g.end() && m->is_number())
                d.memoryGiB = m->get<double>();
            else if (auto b = g.find("total_memory"); b != g.end() && b->is_number())
                d.memoryGiB = b->get<double>() / (1024.0 * 1024 * 1024);
            else if (auto b2 = g.find("memory_bytes"); b2 != g.end() && b2->is_number())
                d.memoryGiB = b2->get<double>() / (1024.0 * 1024 * 1024);
            p.gpus.push_back(std::move(d));
            ++i;
        }
    }
    const std::string err = strOf(doc, {"error"});
    bool ok = !p.torchVersion.empty();
    if (auto it = doc.find("ok"); it != doc.end() && it->is_boolean())
        ok = it->get<bool>() && !p.torchVersion.empty();
    p.ok = ok;
    if (!ok) {
        p.torchMissing = p.torchVersion.empty();
        p.error = !err.empty() ? trimLine(err) : "cannot import torch";
        if (p.torchMissing && p.error.find("torch") == std::string::npos)
            p.error = "cannot import torch: " + p.error;
    }
    return p;
}

std::string probeFailureReason(std::string_view stderrText, bool* torchMissing)
{
    const std::string err(stderrText);
    if (torchMissing)
        *torchMissing = false;
    if (err.find("No module named 'torch'") != std::string::npos) {
        if (torchMissing)
            *torchMissing = true;
        return "cannot import torch (No module named 'torch')";
    }
    if (err.find("No module named 'kernelwatch_eval") != std::string::npos)
        return "the evaluator package kernelwatch_eval is not in the evaluator folder";
    // The last non-empty line is usually the exception.
    std::string last;
    std::stringstream ss(err);
    for (std::string line; std::getline(ss, line);)
        if (!trimLine(line).empty())
            last = trimLine(line);
    if (last.find("torch") != std::string::npos && torchMissing)
        *torchMissing = true;
    return last.empty() ? "the probe failed without a message" : last;
}

PythonProbe probePython(const std::string& python, const std::string& evaluatorDir, double timeoutS,
                        const std::atomic<bool>* stop)
{
    PythonProbe p;
    p.path = python;
    if (evaluatorDir.empty()) {
        p.error =
            "the Python evaluator package (kernelwatch_eval) was not found: set KERNELWATCH_EVALUATOR_DIR";
        return p;
    }
    SpawnOptions o;
    o.argv = {python, "-m", "kernelwatch_eval.probe"};
    // Same environment as a zygote would get, GPUs as this process sees them.
    auto env = childenv::withoutSecrets(childenv::current());
    const auto pp = childenv::get(env, "PYTHONPATH");
    childenv::set(env, "PYTHONPATH", pp && !pp->empty() ? evaluatorDir + ":" + *pp : evaluatorDir);
    childenv::set(env, "PYTHONDONTWRITEBYTECODE", "1");
    o.env = std::move(env);
    const ProgramOutput out = runProgram(o, {}, timeoutS, 1 << 20, stop);
    if (!out.startError.empty()) {
        p.error = out.startError;
        return p;
    }
    if (out.stopped) {
        p.error = python + ": the probe was stopped before it finished (probe again)";
        return p;
    }
    if (out.timedOut) {
        p.error = python + " did not finish the probe (import torch) within " +
                  std::to_string(int(timeoutS)) + " s";
        return p;
    }
    PythonProbe parsed = parseProbeOutput(out.out);
    if (parsed.error == "the probe printed no JSON document") {
        // It died before printing (no evaluator package, a broken interpreter, ...).
        bool torchMissing = false;
        p.error = probeFailureReason(out.err, &torchMissing);
        p.torchMissing = torchMissing;
        return p;
    }
    parsed.path = python; // the name the user gave, which is how zygotes will be started
    return parsed;
}

std::string noPythonMessage(const std::vector<std::pair<std::string, PythonProbe>>& tried)
{
    bool allTorch = !tried.empty();
    std::string names;
    std::string details;
    for (const auto& [label, probe] : tried) {
        names += (names.empty() ? "" : ", ") + label;
        details += (details.empty() ? "" : "; ") + label + ": " + probe.error;
        allTorch = allTorch && probe.torchMissing;
    }
    const std::string fix = "install python3-torch (sudo apt install python3-torch) or pass --python PATH";
    if (tried.empty())
        return "no Python interpreter found: " + fix;
    if (allTorch)
        return (tried.size() == 1 ? names + " cannot" : "none of " + names + " can") +
               " import torch: " + fix;
    return "no usable Python with torch (" + details + "): " + fix;
}

PythonProbe findPython(const std::string& preferred, const std::string& evaluatorDir,
                       const std::atomic<bool>* stop)
{
    std::vector<std::pair<std::string, PythonProbe>> tried;
    if (!preferred.empty()) {
        PythonProbe p = probePython(preferred, evaluatorDir, 60, stop);
        if (!p.ok) {
            p.error =
                p.torchMissing
                    ? preferred + " cannot import torch: install torch for it, or pass another --python PATH"
                    : preferred + ": " + p.error;
        }
        return p;
    }
    std::vector<std::pair<std::string, std::string>> candidates; // (label, command)
    if (const char* e = std::getenv("KERNELWATCH_PYTHON"); e && *e)
        candidates.emplace_back(std::string(e) + " ($KERNELWATCH_PYTHON)", e);
    const auto onPath = findExecutable("python3", processSearchPath());
    if (onPath && *onPath != "/usr/bin/python3")
        candidates.emplace_back("python3 (" + *onPath + ")", "python3");
    candidates.emplace_back("/usr/bin/python3", "/usr/bin/python3");
    for (const auto& [label, cmd] : candidates) {
        if (cmd == "/usr/bin/python3" && ::access(cmd.c_str(), X_OK) != 0) {
            PythonProbe missing;
            missing.error = "not installed";
            tried.emplace_back(label, missing);
            continue;
        }
        PythonProbe p = probePython(cmd, evaluatorDir, 60, stop);
        if (stop && stop->load())
            return p; // its error says it was stopped
        if (p.ok) {
            if (cmd == "python3" && onPath)
                p.path = *onPath;
            return p;
        }
        // The evaluator package is missing: every candidate would say the same.
        if (!p.torchMissing && p.error.find("kernelwatch_eval") != std::string::npos) {
            p.error =
                "cannot run the evaluator probe with " + label + ": " + p.error + " (" + evaluatorDir + ")";
            return p;
        }
        tried.emplace_back(label, p);
    }
    PythonProbe none;
    none.error = noPythonMessage(tried);
    none.torchMissing = true;
    for (const auto& t : tried)
        none.torchMissing = none.torchMissing && t.second.torchMissing;
    return none;
}

} // namespace kw
