#include "ModalGpu.h"

#include <algorithm>
#include <cctype>

namespace kw {

const std::vector<ModalGpuInfo>& modalGpuCatalogue()
{
    static const std::vector<ModalGpuInfo> gpus = {
        {"T4", "Turing", 75, 0.000164},
        {"L4", "Ada", 89, 0.000222},
        {"A10", "Ampere", 86, 0.000306},
        {"L40S", "Ada", 89, 0.000542},
        {"A100", "Ampere", 80, 0.000583},
        {"A100-80GB", "Ampere", 80, 0.000694},
        {"RTX-PRO-6000", "Blackwell", 120, 0.000842},
        {"H100", "Hopper", 90, 0.001097},
        {"H200", "Hopper", 90, 0.001261},
        {"B200", "Blackwell", 100, 0.001736},
    };
    return gpus;
}

namespace {

std::string upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

const ModalGpuInfo* lookup(const std::string& name)
{
    std::string n = name;
    if (n == "A100-40GB")
        n = "A100";
    else if (n == "A10G")
        n = "A10";
    for (const auto& g : modalGpuCatalogue())
        if (g.name == n)
            return &g;
    return nullptr;
}

} // namespace

std::string ModalGpuSpec::canonical() const
{
    if (!gpu)
        return {};
    std::string s = gpu->name;
    if (pinned)
        s += '!';
    if (count != 1)
        s += ':' + std::to_string(count);
    return s;
}

std::string modalGpuNamesList()
{
    std::string out;
    for (const auto& g : modalGpuCatalogue()) {
        if (!out.empty())
            out += ", ";
        out += g.name;
    }
    return out + " (H100! pins H100; TYPE:N asks for N GPUs)";
}

ModalGpuSpec parseModalGpu(std::string_view text)
{
    ModalGpuSpec spec;
    std::string t = upper(text);
    // trim
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
        t.pop_back();
    t.erase(0, t.find_first_not_of(" \t"));
    if (t.empty()) {
        spec.error = "the GPU type is empty: use one of " + modalGpuNamesList();
        return spec;
    }
    if (auto colon = t.find(':'); colon != std::string::npos) {
        const std::string n = t.substr(colon + 1);
        if (n.empty() || n.size() > 2 ||
            !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            std::stoi(n) < 1 || std::stoi(n) > 8) {
            spec.error = "GPU count in '" + std::string(text) + "' must be 1 to 8 (TYPE:N)";
            return spec;
        }
        spec.count = std::stoi(n);
        t.resize(colon);
    }
    if (!t.empty() && t.back() == '!') {
        spec.pinned = true;
        t.pop_back();
    }
    spec.gpu = lookup(t);
    if (!spec.gpu) {
        spec.error = "unknown GPU type '" + std::string(text) + "': use one of " + modalGpuNamesList();
        return spec;
    }
    if (spec.pinned && spec.gpu->name != "H100") {
        spec.error = "'!' pins only H100 (H100!), not " + spec.gpu->name;
        spec.gpu = nullptr;
    }
    return spec;
}

} // namespace kw
