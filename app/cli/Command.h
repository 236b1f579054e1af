#pragma once

#include <string>
#include <vector>

namespace kw::cli {

enum ExitCode : int
{
    ExitOk = 0,      // the command ran (an evaluation ran, whatever its verdict)
    ExitFailure = 1, // the command ran and found a problem (e.g. modal status unhealthy)
    ExitUsage = 2,   // bad arguments or unreadable input files
    ExitInfra = 3,   // no Python with torch, no device, store not writable, ...
    ExitInterrupted = 130,
};

// One subcommand of kernelwatch-cli. Each lives in its own Cmd*.cpp and registers itself with
// a static CommandRegistrar, so adding a command touches no shared file.
struct Command
{
    std::string name;
    std::string usage;   // one line: "eval --ref FILE --kernel FILE [options]"
    std::string summary; // one sentence for the help listing
    int (*run)(const std::vector<std::string>& args);
};

std::vector<Command>& commandRegistry();

struct CommandRegistrar
{
    explicit CommandRegistrar(Command c) { commandRegistry().push_back(std::move(c)); }
};

} // namespace kw::cli
