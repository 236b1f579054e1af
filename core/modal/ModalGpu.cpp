#include "core/modal/ModalGpu.h"

#include <algorithm>
#include <cctype>

namespace kw {

const std::vector<ModalGpuInfo>& modalGpuCatalogue()
{
    // Counts: Modal's GPU guide ("A10 instances support up to 4 GPUs", the others up to 8).
    static const std::vector<ModalGpuInfo> gpus = {
        {"T4", "Turing", 75, 0.000164, 8},
        {"L4", "Ada", 89, 0.000222, 8},
        {"A10", "Ampere", 86, 0.000306, 4},
        {"L40S", "Ada", 89, 0.000542, 8},
        {"A100", "Ampere", 80, 0.000583, 8},
        {"A100-80GB", "Ampere", 80, 0.000694, 8},
        {"RTX-PRO-6000", "Blackwell", 120, 0.000842, 8},
        {"H100", "Hopper", 90, 0.001097, 8},
        {"H200", "Hopper", 90, 0.001261, 8},
        {"B200", "Blackwell", 100, 0.001736, 8},
        // A B200 or a B300 (sm_103), billed as a B200: kernels must build for both.
        {"B200+", "Blackwell", 100, 0.001736, 8},
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
    std::string countText;
    if (auto colon = t.find(':'); colon != std::string::npos) {
        countText = t.substr(colon + 1);
        if (countText.empty() || countText.size() > 2 ||
            !std::all_of(countText.begin(), countText.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            std::stoi(countText) < 1 || std::stoi(countText) > 8) {
            spec.error = "GPU count in '" + std::string(text) + "' must be 1 to 8 (TYPE:N)";
            return spec;
        }
        spec.count = std::stoi(countText);
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
        return spec;
    }
    if (spec.count > spec.gpu->maxCount) {
        spec.error = "GPU count in '" + std::string(text) + "' must be 1 to " +
                     std::to_string(spec.gpu->maxCount) + " for " + spec.gpu->name + " (TYPE:N)";
        spec.gpu = nullptr;
    }
    return spec;
}

} // namespace kw
