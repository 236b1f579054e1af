#pragma once

#include "core/profile/KernelProfile.h"
#include "core/profile/ProfileReport.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Pure readers of Nsight Compute's (ncu's) printed output, tested on recorded output
// (tests/fixtures/ncu/).
namespace kw::profile {

// What ncu's own `==ERROR==` / `==WARNING==` lines say went wrong; error None when nothing did.
struct NcuDiagnosis
{
    ProfileError error = ProfileError::None;
    std::string message;                       // one paragraph with what to do
    std::vector<std::string> availableKernels; // after "No kernels were profiled."
    std::optional<int> programExitCode;        // "The application returned an error code (3)."
};
NcuDiagnosis diagnoseNcuOutput(std::string_view stdoutText, std::string_view stderrText = {});

// `ncu --csv --page details` output (live or `--import`, with `==PROF==` lines and the program's
// own output interleaved before the table) -> one KernelProfile per launch, in ncu's order, values
// in base units whatever `--print-units` was. On failure launches is empty and error/message say
// why (ncu's diagnosis first, then a missing, truncated or malformed table).
struct NcuDetails
{
    std::vector<KernelProfile> launches;
    ProfileError error = ProfileError::None;
    std::string message;
};
NcuDetails parseNcuDetails(std::string_view stdoutText, std::string_view stderrText = {});

// "2,618,497,757.85" -> 2618497757.85; "no data", "" or junk -> nullopt.
std::optional<double> parseNcuNumber(std::string_view text);
// A value in ncu's unit -> the base unit (ns for time, byte, byte/s, hz; decimal prefixes
// K/M/G/T as ncu prints them). Units without a known prefix ("%", "register/thread") unchanged.
double toBaseUnit(double value, std::string_view unit);

// "Version 2025.3.1.0 (build ...)" line of `ncu --version` -> "2025.3.1.0"; "" when absent.
std::string parseNcuVersion(std::string_view versionText);

} // namespace kw::profile
