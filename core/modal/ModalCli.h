#pragma once

#include "core/modal/ModalAppHistory.h"
#include "core/modal/ModalAppList.h"
#include "core/modal/ModalCommandResult.h"
#include "core/modal/ModalContainerList.h"
#include "core/modal/ModalDeployOutput.h"
#include "core/modal/ModalLogLine.h"
#include "core/modal/ModalTokenInfo.h"

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

struct ModalCliOptions
{
    std::string program = "modal";          // a path, or a name looked up on PATH ($KERNELWATCH_MODAL_BIN)
    std::string environment;                // -e ENV for commands that take it; empty = modal's default
    std::map<std::string, std::string> env; // set in the child's environment (the rest is inherited)
    std::vector<std::string> unsetEnv;      // removed from the child's environment
    // For one-shot commands. Above the ~57 s the client spends retrying an unreachable server
    // before it prints "Could not connect to the Modal server." (recorded), so that error is
    // what the caller sees, not a timeout of ours.
    double timeoutS = 120;
    double deployTimeoutS = 1800; // image builds take a while
    std::string workDir;          // empty = inherit

    // program from $KERNELWATCH_MODAL_BIN when set, else "modal" (AppSettings::modalCliOptions
    // puts the resolved one, defaultProgram() by default, in its place).
    static ModalCliOptions fromEnvironment();
    // "modal" when `path` has it; else pipx's HOME/.local/bin/modal when that exists (Debian's
    // ~/.profile puts that folder on PATH only at a login after it was created, so a desktop
    // session from before `pipx install modal` does not see it); else "modal".
    static std::string defaultProgram(std::string_view path, const std::string& home);
};

struct ModalLogOptions
{
    bool timestamps = true;
    bool showContainerId = true;
    bool follow = false;
    std::string since; // `--since` (app logs, not with follow): ISO time as printed by --timestamps, or "2h"
};

// Thin runner for the `modal` command-line client: builds the command line (always --json
// where it exists, -y for stop commands), runs it with a timeout, hands the output to the pure
// parsers and the error classifier. One object may be used from several threads at once; each
// call runs its own process.
class ModalCli
{
public:
    using LineFn = std::function<void(std::string_view line, bool isStderr)>;

    explicit ModalCli(ModalCliOptions options = ModalCliOptions::fromEnvironment());
    const ModalCliOptions& options() const { return m_options; }

    // Runs `modal ARGS...`; with onLine every output line is also delivered as it arrives.
    // `stop`, when given and set, ends the process (SIGINT, then SIGKILL after 3 s).
    ModalCommandResult run(const std::vector<std::string>& args, const LineFn& onLine = {},
                           const std::atomic<bool>* stop = nullptr, double timeoutS = -1) const;

    // The one-shot commands below take a `stop` flag too: when it is set the process group is
    // killed at once (a query has nothing to wind down) and the result is ModalCause::Stopped.
    ModalCliResult<std::string> version(const std::atomic<bool>* stop = nullptr) const; // "1.5.2"
    ModalCliResult<ModalTokenInfo> tokenInfo(const std::atomic<bool>* stop = nullptr) const;
    ModalCliResult<std::vector<ModalApp>> listApps(const std::atomic<bool>* stop = nullptr) const;
    ModalCliResult<std::vector<ModalContainer>> listContainers(const std::atomic<bool>* stop = nullptr) const;
    ModalCliResult<std::vector<ModalAppVersion>> appHistory(const std::string& app) const;

    // The last entries (modal prints 100 and exits). An empty app name is refused without
    // running modal: `modal app logs` without one prints its help and exits 0.
    ModalCliResult<std::vector<ModalLogLine>> appLogs(const std::string& app, ModalLogOptions o = {}) const;
    ModalCliResult<std::vector<ModalLogLine>> containerLogs(const std::string& containerId,
                                                            ModalLogOptions o = {}) const;
    // Follows (-f) until the app stops or `stop` is set; each parsed line goes to onLine and
    // nothing is accumulated. value = number of lines seen.
    ModalCliResult<long> followAppLogs(const std::string& app, ModalLogOptions o,
                                       const std::function<void(const ModalLogLine&)>& onLine,
                                       const std::atomic<bool>* stop) const;

    // `modal deploy FILE` with `deployEnv` added to the environment (e.g. the GPU type and
    // timeout that modal_app.py reads); every output line streams to onLine.
    ModalCliResult<ModalDeployResult> deploy(const std::string& file,
                                             const std::map<std::string, std::string>& deployEnv = {},
                                             const LineFn& onLine = {},
                                             const std::atomic<bool>* stop = nullptr) const;
    // `modal serve FILE`: an ephemeral app that lives until `stop` is set (dev mode).
    ModalCliResult<ModalDeployResult> serve(const std::string& file,
                                            const std::map<std::string, std::string>& deployEnv,
                                            const LineFn& onLine, const std::atomic<bool>* stop) const;

    ModalCliResult<bool> stopApp(const std::string& app) const;
    ModalCliResult<bool> stopContainer(const std::string& containerId,
                                       const std::atomic<bool>* stop = nullptr) const;

private:
    std::vector<std::string> withEnvironment(std::vector<std::string> args) const;
    ModalCommandResult runWithEnv(const std::vector<std::string>& args,
                                  const std::map<std::string, std::string>& extraEnv, const LineFn& onLine,
                                  const std::atomic<bool>* stop, double timeoutS,
                                  double stopGraceS = 3) const;
    // A one-shot command: `stop` kills it without a grace period and makes it ModalCause::Stopped.
    ModalCommandResult query(const std::vector<std::string>& args, const std::atomic<bool>* stop) const;

    ModalCliOptions m_options;
};

} // namespace kw
