#include "core/profile/KernelProfile.h"

#include <nlohmann/json.hpp>

#include <map>
#include <regex>

namespace kw::profile {

std::optional<double> KernelProfile::sharedBytesPerBlock() const
{
    if (!staticSharedBytesPerBlock && !dynamicSharedBytesPerBlock)
        return std::nullopt;
    return staticSharedBytesPerBlock.value_or(0) + dynamicSharedBytesPerBlock.value_or(0);
}

const NcuRule* KernelProfile::rule(const std::string& ruleName) const
{
    for (const auto& r : rules)
        if (r.name == ruleName)
            return &r;
    return nullptr;
}

void classifyLimiter(KernelProfile& k)
{
    k.limiter.clear();
    k.limiterDetail.clear();
    if (const NcuRule* r = k.rule("SOLBottleneck")) {
        const std::string& d = r->description;
        if (d.find("Compute is more heavily utilized") != std::string::npos)
            k.limiter = "compute";
        else if (d.find("Memory is more heavily utilized") != std::string::npos)
            k.limiter = "memory";
        else if (d.find("low compute throughput and memory bandwidth") != std::string::npos)
            k.limiter = "latency";
        static const std::regex unit(R"(identify the (\S+) bottleneck)");
        std::smatch m;
        if (k.limiter == "memory" && std::regex_search(d, m, unit))
            k.limiterDetail = m[1].str();
        if (!k.limiter.empty())
            return;
    }
    if (!k.memoryPct && !k.computePct)
        return;
    const double mem = k.memoryPct.value_or(0), sm = k.computePct.value_or(0);
    if (mem < kLimiterThresholdPct && sm < kLimiterThresholdPct)
        k.limiter = "latency";
    else
        k.limiter = mem >= sm ? "memory" : "compute";
}

namespace {

void addMean(std::optional<double>& acc, const std::optional<double>& v, int& n)
{
    if (!v)
        return;
    acc = acc.value_or(0) + *v;
    ++n;
}

} // namespace

std::vector<KernelProfile> summarizeByKernel(const std::vector<KernelProfile>& launches)
{
    using Field = std::optional<double> KernelProfile::*;
    static const Field fields[] = {&KernelProfile::durationNs,
                                   &KernelProfile::memoryPct,
                                   &KernelProfile::computePct,
                                   &KernelProfile::dramPct,
                                   &KernelProfile::memoryBytesPerS,
                                   &KernelProfile::achievedOccupancyPct,
                                   &KernelProfile::theoreticalOccupancyPct,
                                   &KernelProfile::registersPerThread,
                                   &KernelProfile::staticSharedBytesPerBlock,
                                   &KernelProfile::dynamicSharedBytesPerBlock};
    constexpr std::size_t nFields = std::size(fields);
    std::vector<KernelProfile> out;
    std::vector<std::vector<int>> counts;
    std::map<std::string, std::size_t> index;
    for (const auto& l : launches) {
        auto [it, fresh] = index.try_emplace(l.name, out.size());
        if (fresh) {
            KernelProfile k = l;
            k.launches = 0;
            for (Field f : fields)
                k.*f = std::nullopt;
            out.push_back(std::move(k));
            counts.emplace_back(nFields, 0);
        }
        KernelProfile& k = out[it->second];
        k.launches += 1;
        for (std::size_t i = 0; i < nFields; ++i)
            addMean(k.*fields[i], l.*fields[i], counts[it->second][i]);
    }
    for (std::size_t j = 0; j < out.size(); ++j) {
        for (std::size_t i = 0; i < nFields; ++i)
            if (counts[j][i] > 0)
                out[j].*fields[i] = *(out[j].*fields[i]) / counts[j][i];
        classifyLimiter(out[j]);
    }
    return out;
}

namespace {

void put(nlohmann::json& j, const char* key, const std::optional<double>& v)
{
    j[key] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::optional<double> getNumber(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_number())
        return std::nullopt;
    return it->get<double>();
}

std::string getString(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

nlohmann::json toJson(const KernelProfile& k)
{
    nlohmann::json j = {{"id", k.id},
                        {"launches", k.launches},
                        {"name", k.name},
                        {"block_size", k.blockSize},
                        {"grid_size", k.gridSize},
                        {"compute_capability", k.computeCapability},
                        {"device", k.device},
                        {"limiter", k.limiter},
                        {"limiter_detail", k.limiterDetail}};
    put(j, "duration_ns", k.durationNs);
    put(j, "memory_throughput_pct", k.memoryPct);
    put(j, "compute_throughput_pct", k.computePct);
    put(j, "dram_throughput_pct", k.dramPct);
    put(j, "memory_bytes_per_s", k.memoryBytesPerS);
    put(j, "achieved_occupancy_pct", k.achievedOccupancyPct);
    put(j, "theoretical_occupancy_pct", k.theoreticalOccupancyPct);
    put(j, "registers_per_thread", k.registersPerThread);
    put(j, "static_shared_bytes_per_block", k.staticSharedBytesPerBlock);
    put(j, "dynamic_shared_bytes_per_block", k.dynamicSharedBytesPerBlock);
    put(j, "shared_bytes_per_block", k.sharedBytesPerBlock());
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& r : k.rules)
        rules.push_back(
            {{"section", r.section}, {"name", r.name}, {"type", r.type}, {"description", r.description}});
    j["rules"] = std::move(rules);
    return j;
}

KernelProfile kernelProfileFromJson(const nlohmann::json& j)
{
    KernelProfile k;
    if (!j.is_object())
        return k;
    k.id = int(getNumber(j, "id").value_or(-1));
    k.launches = int(getNumber(j, "launches").value_or(1));
    k.name = getString(j, "name");
    k.blockSize = getString(j, "block_size");
    k.gridSize = getString(j, "grid_size");
    k.computeCapability = getString(j, "compute_capability");
    k.device = int(getNumber(j, "device").value_or(-1));
    k.limiter = getString(j, "limiter");
    k.limiterDetail = getString(j, "limiter_detail");
    k.durationNs = getNumber(j, "duration_ns");
    k.memoryPct = getNumber(j, "memory_throughput_pct");
    k.computePct = getNumber(j, "compute_throughput_pct");
    k.dramPct = getNumber(j, "dram_throughput_pct");
    k.memoryBytesPerS = getNumber(j, "memory_bytes_per_s");
    k.achievedOccupancyPct = getNumber(j, "achieved_occupancy_pct");
    k.theoreticalOccupancyPct = getNumber(j, "theoretical_occupancy_pct");
    k.registersPerThread = getNumber(j, "registers_per_thread");
    k.staticSharedBytesPerBlock = getNumber(j, "static_shared_bytes_per_block");
    k.dynamicSharedBytesPerBlock = getNumber(j, "dynamic_shared_bytes_per_block");
    if (auto it = j.find("rules"); it != j.end() && it->is_array())
        for (const auto& r : *it)
            if (r.is_object())
                k.rules.push_back({getString(r, "section"), getString(r, "name"), getString(r, "type"),
                                   getString(r, "description")});
    return k;
}

} // namespace kw::profile
