// kernelwatch-cli: headless evaluation, history, run watching and Modal operations.
#include "app/cli/Command.h"
#include "core/base/Version.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace kw::cli {
std::vector<Command>& commandRegistry()
{
    static std::vector<Command> commands;
    return commands;
}
} // namespace kw::cli

namespace {

void printHelp(FILE* to)
{
    auto cmds = kw::cli::commandRegistry();
    std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::fprintf(to,
                 "kernelwatch-cli %s: evaluate GPU kernels, watch training runs, operate Modal\n\n"
                 "usage: kernelwatch-cli COMMAND [options]   (kernelwatch-cli COMMAND --help)\n\ncommands:\n",
                 KW_VERSION);
    for (const auto& c : cmds)
        std::fprintf(to, "  %-12s %s\n", c.name.c_str(), c.summary.c_str());
    std::fprintf(to,
                 "\nexit codes: 0 ran, 1 ran and found a problem, 2 usage error, 3 infrastructure error\n");
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printHelp(stderr);
        return kw::cli::ExitUsage;
    }
    const std::string cmd = args.front();
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        printHelp(stdout);
        return kw::cli::ExitOk;
    }
    if (cmd == "--version" || cmd == "version") {
        std::printf("kernelwatch-cli %s (commit %s)\n", KW_VERSION, kw::gitCommit());
        return kw::cli::ExitOk;
    }
    for (const auto& c : kw::cli::commandRegistry()) {
        if (c.name == cmd) {
            args.erase(args.begin());
            return c.run(args);
        }
    }
    std::fprintf(stderr, "kernelwatch-cli: unknown command '%s' (run kernelwatch-cli --help)\n", cmd.c_str());
    return kw::cli::ExitUsage;
}
