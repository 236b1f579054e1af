#include "core/modal/ModalCli.h"

#include "core/base/ChildEnv.h"
#include "core/base/ExecutableSearch.h"
#include "core/base/Subprocess.h"
#include "core/modal/ModalLineBuffer.h"
#include "core/modal/ModalSecrets.h"

#include <chrono>
#include <csignal>
#include <cstdlib>

namespace kw {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxCapture = 4 << 20;

void keepTail(std::string& s)
{
    if (s.size() > 2 * kMaxCapture)
        s.erase(0, s.size() - kMaxCapture);
}

template <typename T> ModalCliResult<T> fromCommand(ModalCommandResult cmd)
{
    ModalCliResult<T> r;
    r.diagnosis = cmd.diagnosis;
    r.command = std::move(cmd);
    return r;
}

// A parse failure after a successful command: the output was not what this client expects.
ModalDiagnosis parseFailure(const std::string& error)
{
    ModalDiagnosis d = modalDiagnosisFor(ModalCause::Unknown, error);
    d.summary = "unexpected output from modal (" + error + ")";
    d.fix = "the installed modal client may be incompatible: upgrade it (`pipx upgrade modal`, or "
            "`pip install -U modal` in its virtual environment)";
    return d;
}

} // namespace

std::string ModalCliOptions::defaultProgram(std::string_view path, const std::string& home)
{
    if (findExecutable("modal", path))
        return "modal";
    if (std::string pipx = home + "/.local/bin/modal"; !home.empty() && isExecutableFile(pipx))
        return pipx;
    return "modal";
}

ModalCliOptions ModalCliOptions::fromEnvironment()
{
    ModalCliOptions o;
    if (const char* bin = std::getenv("KERNELWATCH_MODAL_BIN"); bin && *bin)
        o.program = bin;
    if (const char* env = std::getenv("MODAL_ENVIRONMENT"); env && *env)
        o.environment = env;
    return o;
}

ModalCli::ModalCli(ModalCliOptions options) : m_options(std::move(options)) {}

std::vector<std::string> ModalCli::withEnvironment(std::vector<std::string> args) const
{
    if (!m_options.environment.empty()) {
        args.push_back("-e");
        args.push_back(m_options.environment);
    }
    return args;
}

ModalCommandResult ModalCli::run(const std::vector<std::string>& args, const LineFn& onLine,
                                 const std::atomic<bool>* stop, double timeoutS) const
{
    return runWithEnv(args, {}, onLine, stop, timeoutS);
}

ModalCommandResult ModalCli::runWithEnv(const std::vector<std::string>& args,
                                        const std::map<std::string, std::string>& extraEnv,
                                        const LineFn& onLine, const std::atomic<bool>* stop, double timeoutS,
                                        double stopGraceS) const
{
    ModalCommandResult r;
    r.args = args;
    const auto started = Clock::now();
    if (timeoutS < 0)
        timeoutS = m_options.timeoutS;

    SpawnOptions so;
    so.argv.push_back(m_options.program);
    so.argv.insert(so.argv.end(), args.begin(), args.end());
    so.env = childenv::current();
    // Plain, unbuffered, wide output: lines arrive as they are printed, no colour codes.
    childenv::set(so.env, "PYTHONUNBUFFERED", "1");
    childenv::set(so.env, "PYTHONIOENCODING", "utf-8");
    childenv::set(so.env, "NO_COLOR", "1");
    childenv::set(so.env, "TERM", "dumb");
    childenv::set(so.env, "COLUMNS", "200");
    for (const auto& name : m_options.unsetEnv)
        childenv::unset(so.env, name);
    for (const auto& [k, v] : m_options.env)
        childenv::set(so.env, k, v);
    for (const auto& [k, v] : extraEnv)
        childenv::set(so.env, k, v);
    so.cwd = m_options.workDir;
    so.newSession = true;
    so.pipeStdin = false;

    std::vector<std::string> secrets = modalSecretsFromEnvironment(false);
    for (const char* name : {"MODAL_TOKEN_SECRET", "KERNELWATCH_PROXY_SECRET"})
        if (auto v = childenv::get(so.env, name); v && !v->empty())
            secrets.push_back(*v);

    Subprocess p;
    r.startError = p.start(so);
    if (!r.startError.empty()) {
        r.exitCode = kModalExitNotFound;
        r.err = m_options.program + ": " + r.startError;
        r.diagnosis = modalDiagnosisFor(ModalCause::CliNotInstalled, r.err);
        r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return r;
    }

    auto deliver = [&](bool isErr) {
        return [&, isErr](std::string_view line, bool) {
            if (onLine)
                onLine(redactModalSecrets(line, secrets), isErr);
        };
    };
    ModalLineBuffer outLines(deliver(false)), errLines(deliver(true));
    const auto deadline = started + std::chrono::duration<double>(timeoutS > 0 ? timeoutS : 1e9);
    bool stopping = false;
    Clock::time_point stopAt{};
    bool forceKill = false;
    std::string chunk;
    while (p.streamOpen(Subprocess::Stream::Stdout) || p.streamOpen(Subprocess::Stream::Stderr)) {
        const auto now = Clock::now();
        if (stop && stop->load() && !stopping) {
            stopping = true;
            r.stopped = true;
            stopAt = now;
            if (stopGraceS > 0)
                p.signalGroup(SIGINT);
        }
        if (stopping && now - stopAt >= std::chrono::duration<double>(stopGraceS)) {
            forceKill = true;
            break;
        }
        if (now > deadline) {
            r.timedOut = true;
            forceKill = true;
            break;
        }
        p.waitReadable(100);
        for (auto s : {Subprocess::Stream::Stdout, Subprocess::Stream::Stderr}) {
            chunk.clear();
            while (p.readSome(s, chunk) > 0) {
            }
            if (chunk.empty())
                continue;
            if (s == Subprocess::Stream::Stdout) {
                outLines.feed(chunk);
                r.out += chunk;
                keepTail(r.out);
            } else {
                errLines.feed(chunk);
                r.err += chunk;
                keepTail(r.err);
            }
        }
    }
    outLines.finish();
    errLines.finish();
    ExitStatus status;
    if (forceKill) {
        status = p.kill();
    } else {
        const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
        if (auto s = p.waitFor(std::max(left, 0.5)))
            status = *s;
        else {
            r.timedOut = true;
            status = p.kill();
        }
    }
    if (r.timedOut)
        r.exitCode = kModalExitTimedOut;
    else if (status.exitCode)
        r.exitCode = *status.exitCode;
    else if (status.signal)
        r.exitCode = 128 + *status.signal;
    r.out = redactModalSecrets(r.out, secrets);
    r.err = redactModalSecrets(r.err, secrets);
    if (r.out.size() > kMaxCapture)
        r.out.erase(0, r.out.size() - kMaxCapture);
    if (r.err.size() > kMaxCapture)
        r.err.erase(0, r.err.size() - kMaxCapture);
    r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (r.stopped && !r.timedOut)
        r.diagnosis = {}; // the caller ended it: not a failure
    else
        r.diagnosis = classifyModalOutput(r.err + "\n" + r.out, r.exitCode);
    return r;
}

ModalCommandResult ModalCli::query(const std::vector<std::string>& args, const std::atomic<bool>* stop) const
{
    ModalCommandResult r = runWithEnv(args, {}, {}, stop, m_options.timeoutS, 0);
    if (r.stopped && !r.timedOut) {
        std::string line = "modal";
        for (const auto& a : args)
            line += " " + a;
        r.diagnosis = modalDiagnosisFor(ModalCause::Stopped);
        r.diagnosis.summary = "`" + line + "` " + r.diagnosis.summary;
    }
    return r;
}

ModalCliResult<std::string> ModalCli::version(const std::atomic<bool>* stop) const
{
    auto r = fromCommand<std::string>(query({"--version"}, stop));
    if (!r.ok())
        return r;
    // "modal client version: 1.5.2" or "modal, version 1.5.2"
    std::string_view out = r.command.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' '))
        out.remove_suffix(1);
    const auto sp = out.find_last_of(" :");
    r.value = std::string(sp == std::string_view::npos ? out : out.substr(sp + 1));
    if (r.value.empty())
        r.diagnosis = parseFailure("no version in `modal --version` output");
    return r;
}

ModalCliResult<ModalTokenInfo> ModalCli::tokenInfo(const std::atomic<bool>* stop) const
{
    auto r = fromCommand<ModalTokenInfo>(query({"token", "info"}, stop));
    if (!r.ok())
        return r;
    auto parsed = parseModalTokenInfo(r.command.out + "\n" + r.command.err);
    r.value = std::move(parsed.value);
    if (!parsed.ok()) {
        // Exit 0 without a token: classify what it printed, else report the parse failure.
        auto d = classifyModalOutput(r.command.out + "\n" + r.command.err, 1);
        r.diagnosis = d.cause != ModalCause::Unknown ? d : parseFailure(parsed.error);
    }
    return r;
}

ModalCliResult<std::vector<ModalApp>> ModalCli::listApps(const std::atomic<bool>* stop) const
{
    auto r = fromCommand<std::vector<ModalApp>>(query(withEnvironment({"app", "list", "--json"}), stop));
    if (!r.ok())
        return r;
    auto parsed = parseModalAppList(r.command.out);
    r.value = std::move(parsed.value);
    if (!parsed.ok() && r.value.empty())
        r.diagnosis = parseFailure(parsed.error);
    return r;
}

ModalCliResult<std::vector<ModalContainer>> ModalCli::listContainers(const std::atomic<bool>* stop) const
{
    auto r = fromCommand<std::vector<ModalContainer>>(
        query(withEnvironment({"container", "list", "--json"}), stop));
    if (!r.ok())
        return r;
    auto parsed = parseModalContainerList(r.command.out);
    r.value = std::move(parsed.value);
    if (!parsed.ok() && r.value.empty())
        r.diagnosis = parseFailure(parsed.error);
    return r;
}

ModalCliResult<std::vector<ModalAppVersion>> ModalCli::appHistory(const std::string& app) const
{
    auto r =
        fromCommand<std::vector<ModalAppVersion>>(run(withEnvironment({"app", "history", app, "--json"})));
    if (!r.ok())
        return r;
    auto parsed = parseModalAppHistory(r.command.out);
    r.value = std::move(parsed.value);
    if (!parsed.ok())
        r.diagnosis = parseFailure(parsed.error);
    return r;
}

namespace {

std::vector<std::string> logArgs(std::vector<std::string> base, const ModalLogOptions& o)
{
    if (o.follow)
        base.push_back("-f");
    if (o.timestamps)
        base.push_back("--timestamps");
    if (o.showContainerId)
        base.push_back("--show-container-id");
    if (!o.since.empty() && !o.follow) {
        base.push_back("--since");
        base.push_back(o.since);
    }
    return base;
}

// `modal app logs` without an app prints its help on stdout and exits 0 (1.4.2 and 1.5.4): the
// help would read as log lines, so kernelwatch never runs it.
template <typename T> ModalCliResult<T> noAppName()
{
    ModalCliResult<T> r;
    r.diagnosis = modalDiagnosisFor(ModalCause::UsageError, "no app name for `modal app logs`");
    r.diagnosis.summary = "no app name given for the logs";
    r.diagnosis.fix = "name the app whose logs to show";
    r.value = T{};
    return r;
}

std::vector<ModalLogLine> parseLines(const std::string& text)
{
    std::vector<ModalLogLine> lines;
    ModalLineBuffer buf([&](std::string_view line, bool) {
        if (!line.empty())
            lines.push_back(parseModalLogLine(line));
    });
    buf.feed(text);
    buf.finish();
    return lines;
}

} // namespace

ModalCliResult<std::vector<ModalLogLine>> ModalCli::appLogs(const std::string& app, ModalLogOptions o) const
{
    if (app.empty())
        return noAppName<std::vector<ModalLogLine>>();
    o.follow = false;
    auto r = fromCommand<std::vector<ModalLogLine>>(run(logArgs(withEnvironment({"app", "logs", app}), o)));
    if (r.ok())
        r.value = parseLines(r.command.out);
    return r;
}

ModalCliResult<std::vector<ModalLogLine>> ModalCli::containerLogs(const std::string& id,
                                                                  ModalLogOptions o) const
{
    o.follow = false;
    o.showContainerId = false; // `modal container logs` has no such option (exit 2): the id is `id`
    auto r = fromCommand<std::vector<ModalLogLine>>(run(logArgs({"container", "logs", id}, o)));
    if (r.ok())
        r.value = parseLines(r.command.out);
    return r;
}

ModalCliResult<long> ModalCli::followAppLogs(const std::string& app, ModalLogOptions o,
                                             const std::function<void(const ModalLogLine&)>& onLine,
                                             const std::atomic<bool>* stop) const
{
    if (app.empty())
        return noAppName<long>();
    o.follow = true;
    long count = 0;
    auto cmd = run(
        logArgs(withEnvironment({"app", "logs", app}), o),
        [&](std::string_view line, bool isErr) {
            if (isErr || line.empty())
                return;
            ++count;
            if (onLine)
                onLine(parseModalLogLine(line));
        },
        stop, 0 /* no timeout: follows until the app stops or the caller stops it */);
    auto r = fromCommand<long>(std::move(cmd));
    r.value = count;
    return r;
}

ModalCliResult<ModalDeployResult> ModalCli::deploy(const std::string& file,
                                                   const std::map<std::string, std::string>& deployEnv,
                                                   const LineFn& onLine, const std::atomic<bool>* stop) const
{
    auto r = fromCommand<ModalDeployResult>(
        runWithEnv(withEnvironment({"deploy", file}), deployEnv, onLine, stop, m_options.deployTimeoutS));
    r.value = parseModalDeployOutput(r.command.out + "\n" + r.command.err, r.command.exitCode);
    if (r.ok() && !r.value.success)
        r.diagnosis = parseFailure("no 'App deployed' line");
    if (!r.ok() && r.diagnosis.cause == ModalCause::Unknown && !r.value.errorDetail.empty() &&
        !r.value.error.empty()) {
        // An exception while modal imported the app file: rich's traceback panel, then the
        // exception line. Say the exception; the panel's frames are the detail.
        r.diagnosis.summary = "modal deploy failed: " + r.value.error;
        r.diagnosis.fix = "the app file raised this while modal loaded it; the traceback is in the detail";
        r.diagnosis.detail = r.value.errorDetail;
    }
    return r;
}

ModalCliResult<ModalDeployResult> ModalCli::serve(const std::string& file,
                                                  const std::map<std::string, std::string>& deployEnv,
                                                  const LineFn& onLine, const std::atomic<bool>* stop) const
{
    auto r = fromCommand<ModalDeployResult>(
        runWithEnv(withEnvironment({"serve", file}), deployEnv, onLine, stop, 0));
    r.value = parseModalDeployOutput(r.command.out + "\n" + r.command.err, -1);
    return r;
}

ModalCliResult<bool> ModalCli::stopApp(const std::string& app) const
{
    auto r = fromCommand<bool>(run(withEnvironment({"app", "stop", app, "-y"})));
    r.value = r.ok();
    return r;
}

ModalCliResult<bool> ModalCli::stopContainer(const std::string& containerId,
                                             const std::atomic<bool>* stop) const
{
    auto r = fromCommand<bool>(query({"container", "stop", containerId, "-y"}, stop));
    r.value = r.ok();
    return r;
}

} // namespace kw
