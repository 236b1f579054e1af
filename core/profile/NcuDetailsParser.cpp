#include "core/profile/NcuDetailsParser.h"

#include "core/base/Text.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <regex>

namespace kw::profile {
namespace {

std::vector<std::string_view> lines(std::string_view text)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view l = text.substr(start, end - start);
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        out.push_back(l);
        start = end + 1;
    }
    return out;
}

bool startsWith(std::string_view s, std::string_view p)
{
    return s.substr(0, p.size()) == p;
}

constexpr std::string_view kPermissionFix =
    "Nsight Compute may not read this GPU's performance counters (ERR_NVGPUCTRPERM: profiling is "
    "restricted to administrators). Run the profile as root (sudo, or a container started with "
    "--cap-add SYS_ADMIN), or let every user profile: add `options nvidia "
    "\"NVreg_RestrictProfilingToAdminUsers=0\"` to a file in /etc/modprobe.d/ and reload the nvidia "
    "driver (or reboot). See https://developer.nvidia.com/ERR_NVGPUCTRPERM.";

} // namespace

NcuDiagnosis diagnoseNcuOutput(std::string_view stdoutText, std::string_view stderrText)
{
    NcuDiagnosis d;
    std::vector<std::string> errors;
    bool noKernels = false, inAvailable = false;
    static const std::regex appError(R"(The application returned an error code \((-?\d+)\))");
    for (std::string_view text : {stdoutText, stderrText}) {
        for (std::string_view l : lines(text)) {
            if (inAvailable) {
                // "1. vectorized_elementwise_kernel"
                const auto dot = l.find(". ");
                if (dot != std::string_view::npos && dot > 0 && l.find_first_not_of("0123456789") == dot) {
                    d.availableKernels.emplace_back(l.substr(dot + 2));
                    continue;
                }
                inAvailable = false;
            }
            if (startsWith(l, "==ERROR==")) {
                std::string msg(text::trim(l.substr(9)));
                std::cmatch m;
                if (std::regex_search(msg.c_str(), m, appError))
                    d.programExitCode = std::stoi(m[1].str());
                errors.push_back(std::move(msg));
            } else if (startsWith(l, "==WARNING==") &&
                       l.find("No kernels were profiled") != std::string_view::npos) {
                noKernels = true;
            } else if (noKernels && l == "Available Kernels:") {
                inAvailable = true;
            }
        }
    }
    for (const auto& e : errors)
        if (e.find("ERR_NVGPUCTRPERM") != std::string::npos) {
            d.error = ProfileError::CountersNotPermitted;
            d.message = std::string(kPermissionFix) + " ncu said: " + e;
            return d;
        }
    if (!errors.empty()) {
        d.error = ProfileError::ProgramFailed;
        std::string all;
        for (const auto& e : errors)
            all += (all.empty() ? "" : " / ") + e;
        d.message = d.programExitCode
                        ? "the profiled program failed (exit code " + std::to_string(*d.programExitCode) +
                              "); ncu said: " + all +
                              ". Its own output (the log) says why; evaluate the kernel first to see its "
                              "compile or runtime error."
                        : "ncu failed: " + all;
        if (all.find("Failed to create temporary file") != std::string::npos)
            d.message +=
                " (ncu needs a writable folder for its scratch files: TMPDIR, which kernelwatch sets to "
                "the profile folder's tmp/; check that the profile folder is writable and not full)";
        return d;
    }
    if (noKernels) {
        d.error = ProfileError::NoKernels;
        d.message = "ncu profiled no kernels: the candidate launched no CUDA kernel in the profiled range "
                    "(a kernel that runs on the CPU, or whose work happens before the first call, shows "
                    "nothing).";
        if (!d.availableKernels.empty()) {
            d.message += " Kernels the program did launch:";
            for (const auto& k : d.availableKernels)
                d.message += " " + k + (&k == &d.availableKernels.back() ? "." : ",");
        }
    }
    return d;
}

std::optional<double> parseNcuNumber(std::string_view textIn)
{
    const std::string_view t = text::trim(textIn);
    std::string digits;
    digits.reserve(t.size());
    for (char c : t)
        if (c != ',')
            digits.push_back(c);
    if (digits.empty())
        return std::nullopt;
    double v = 0;
    const char* end = digits.data() + digits.size();
    auto [p, ec] = std::from_chars(digits.data(), end, v);
    if (ec != std::errc() || p != end)
        return std::nullopt;
    return v;
}

double toBaseUnit(double value, std::string_view unit)
{
    // Time: ncu prints ns, us, ms, s (older versions: nsecond, usecond, msecond, second).
    static const std::map<std::string_view, double> time{{"ns", 1},        {"nsecond", 1}, {"us", 1e3},
                                                         {"usecond", 1e3}, {"ms", 1e6},    {"msecond", 1e6},
                                                         {"s", 1e9},       {"second", 1e9}};
    if (auto it = time.find(unit); it != time.end())
        return value * it->second;
    const std::string_view head = unit.substr(0, unit.find('/'));
    if (head.size() < 2)
        return value;
    const std::string_view rest = head.substr(1);
    if (rest != "byte" && rest != "hz" && rest != "Hz")
        return value;
    switch (head[0]) {
    case 'K':
    case 'k':
        return value * 1e3;
    case 'M':
        return value * 1e6;
    case 'G':
        return value * 1e9;
    case 'T':
        return value * 1e12;
    default:
        return value;
    }
}

std::string parseNcuVersion(std::string_view versionText)
{
    static const std::regex version(R"(Version (\d+(?:\.\d+)+))");
    std::string s(versionText);
    std::smatch m;
    return std::regex_search(s, m, version) ? m[1].str() : std::string();
}

namespace {

// RFC 4180 records from `text`, skipping lines that do not start with a quote (ncu's ==PROF==
// lines, the program's own output). False when the text ends inside a quoted field.
bool readCsv(std::string_view text, std::vector<std::vector<std::string>>& rows)
{
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        if (text[i] != '"') {
            const std::size_t nl = text.find('\n', i);
            i = nl == std::string_view::npos ? n : nl + 1;
            continue;
        }
        std::vector<std::string> row;
        std::string field;
        bool quoted = false, endOfRecord = false;
        while (i < n && !endOfRecord) {
            const char c = text[i];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text[i + 1] == '"') {
                        field.push_back('"');
                        ++i;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.push_back(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.push_back(std::move(field));
                field.clear();
            } else if (c == '\n') {
                endOfRecord = true;
            } else if (c != '\r') {
                field.push_back(c);
            }
            ++i;
        }
        if (quoted)
            return false;
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return true;
}

struct Columns
{
    std::map<std::string, std::size_t> index;
    std::optional<std::size_t> operator()(const std::string& name) const
    {
        auto it = index.find(name);
        return it == index.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }
};

const std::string& field(const std::vector<std::string>& row, std::optional<std::size_t> col)
{
    static const std::string empty;
    return col && *col < row.size() ? row[*col] : empty;
}

void applyMetric(KernelProfile& k, const std::string& section, const std::string& name,
                 const std::string& unit, double value)
{
    const double v = toBaseUnit(value, unit);
    if (section == "GPU Speed Of Light Throughput") {
        if (name == "Duration")
            k.durationNs = v;
        else if (name == "Memory Throughput")
            k.memoryPct = v;
        else if (name == "Compute (SM) Throughput")
            k.computePct = v;
        else if (name == "DRAM Throughput")
            k.dramPct = v;
    } else if (section == "Memory Workload Analysis") {
        if (name == "Memory Throughput")
            k.memoryBytesPerS = v;
    } else if (section == "Occupancy") {
        if (name == "Achieved Occupancy")
            k.achievedOccupancyPct = v;
        else if (name == "Theoretical Occupancy")
            k.theoreticalOccupancyPct = v;
    } else if (section == "Launch Statistics") {
        if (name == "Registers Per Thread")
            k.registersPerThread = v;
        else if (name == "Static Shared Memory Per Block")
            k.staticSharedBytesPerBlock = v;
        else if (name == "Dynamic Shared Memory Per Block")
            k.dynamicSharedBytesPerBlock = v;
    }
}

} // namespace

NcuDetails parseNcuDetails(std::string_view stdoutText, std::string_view stderrText)
{
    NcuDetails out;
    const NcuDiagnosis diag = diagnoseNcuOutput(stdoutText, stderrText);
    auto fail = [&](ProfileError e, std::string msg) {
        out.launches.clear();
        out.error = diag.error != ProfileError::None ? diag.error : e;
        out.message = diag.error != ProfileError::None ? diag.message : std::move(msg);
        return out;
    };
    if (diag.error != ProfileError::None)
        return fail(diag.error, diag.message);
    const std::size_t header = stdoutText.find("\"ID\",");
    if (header == std::string_view::npos)
        return fail(ProfileError::Unreadable,
                    "ncu printed no CSV table (expected the output of `ncu --csv --page details`); its "
                    "output is in the log.");
    std::vector<std::vector<std::string>> rows;
    if (!readCsv(stdoutText.substr(header), rows))
        return fail(ProfileError::Unreadable,
                    "ncu's CSV table ends inside a quoted field: the output was cut off (a full disk, or "
                    "ncu was killed). Profile again.");
    Columns col;
    for (std::size_t i = 0; i < rows.front().size(); ++i)
        col.index.emplace(rows.front()[i], i);
    const auto cId = col("ID"), cName = col("Kernel Name"), cMetric = col("Metric Name"),
               cValue = col("Metric Value");
    if (!cId || !cName || !cMetric || !cValue)
        return fail(ProfileError::Unreadable,
                    "ncu's CSV table lacks the ID, Kernel Name, Metric Name or Metric "
                    "Value column: it is not the details page (--page details).");
    const auto cBlock = col("Block Size"), cGrid = col("Grid Size"), cDevice = col("Device"), cCc = col("CC"),
               cSection = col("Section Name"), cUnit = col("Metric Unit"), cRule = col("Rule Name"),
               cRuleType = col("Rule Type"), cRuleText = col("Rule Description");
    const std::size_t needed = std::max({*cId, *cName, *cMetric, *cValue}) + 1;
    std::map<int, std::size_t> byId;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.size() < needed)
            return fail(ProfileError::Unreadable,
                        "ncu's CSV row " + std::to_string(r + 1) + " has " + std::to_string(row.size()) +
                            " fields where the header needs " + std::to_string(needed) +
                            ": the table is truncated or malformed. Profile again.");
        const auto id = parseNcuNumber(field(row, cId));
        if (!id)
            return fail(ProfileError::Unreadable, "ncu's CSV row " + std::to_string(r + 1) +
                                                      " has no numeric ID ('" + field(row, cId) +
                                                      "'): the table is malformed.");
        auto [it, fresh] = byId.try_emplace(int(*id), out.launches.size());
        if (fresh) {
            KernelProfile k;
            k.id = int(*id);
            k.name = field(row, cName);
            k.blockSize = field(row, cBlock);
            k.gridSize = field(row, cGrid);
            k.computeCapability = field(row, cCc);
            k.device = int(parseNcuNumber(field(row, cDevice)).value_or(-1));
            out.launches.push_back(std::move(k));
        }
        KernelProfile& k = out.launches[it->second];
        const std::string& ruleName = field(row, cRule);
        if (!ruleName.empty()) {
            k.rules.push_back({field(row, cSection), ruleName, field(row, cRuleType), field(row, cRuleText)});
            continue;
        }
        if (auto v = parseNcuNumber(field(row, cValue)))
            applyMetric(k, field(row, cSection), field(row, cMetric), field(row, cUnit), *v);
    }
    if (out.launches.empty())
        return fail(ProfileError::NoKernels,
                    "ncu's table has a header but no kernel rows: no kernel was profiled.");
    for (auto& k : out.launches)
        classifyLimiter(k);
    return out;
}

} // namespace kw::profile
