// kernelwatch-cli modal status|apps|containers|logs|history|deploy|stop-app|stop-container:
// operate the Modal deployment through the `modal` client (parsing in core/modal).
#include "app/cli/ArgParser.h"
#include "app/cli/CliSettings.h"
#include "app/cli/Command.h"

#include "core/base/Paths.h"
#include "core/config/TrainingConfig.h"
#include "core/modal/ModalChecks.h"
#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"
#include "core/modal/ModalGpu.h"
#include "core/modal/ModalSecrets.h"
#include "core/usecase/ModalDeployment.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace kw::cli {
namespace {

const std::string kApp(kEvaluatorAppName);
std::atomic<bool> g_stop{false};

void onSigint(int)
{
    g_stop = true;
}

void installSigint()
{
    struct sigaction sa
    {
    };
    sa.sa_handler = &onSigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

void printJson(const nlohmann::json& j)
{
    std::printf("%s\n", j.dump(2).c_str());
}

int fail(const ModalDiagnosis& d, bool json)
{
    if (json) {
        printJson({{"ok", false},
                   {"cause", std::string(modalCauseName(d.cause))},
                   {"summary", d.summary},
                   {"fix", d.fix},
                   {"detail", d.detail}});
    } else {
        std::fprintf(stderr, "kernelwatch-cli modal: %s\n", d.summary.c_str());
        if (!d.detail.empty() && d.detail != d.summary)
            std::fprintf(stderr, "  %s\n", d.detail.c_str());
        if (!d.fix.empty())
            std::fprintf(stderr, "  fix: %s\n", d.fix.c_str());
    }
    return d.cause == ModalCause::CliNotInstalled ? ExitInfra : ExitFailure;
}

const char* usageText()
{
    return "usage: kernelwatch-cli modal SUBCOMMAND [options]\n\n"
           "  status                   checks: CLI, token, app deployed, endpoint, timeouts, GPU type\n"
           "  apps                     apps with state and running tasks\n"
           "  containers               running containers\n"
           "  logs [APP] [-f]          the app's last log lines (-f: follow until Ctrl-C)\n"
           "  history [APP]            deployment history\n"
           "  deploy                   deploy resources/evaluator/modal_app.py (saves the endpoint URL)\n"
           "  stop-app [APP]           stop an app\n"
           "  stop-container ID        stop a container\n\n"
           "options (all subcommands):\n";
}

ModalCliOptions cliOptions(const ArgParser& p)
{
    ModalCliOptions o = resolveSettings(p).modalCliOptions(); // --modal, KERNELWATCH_MODAL_BIN, Settings
    if (auto e = p.value("env"))
        o.environment = *e;
    if (auto t = p.value("command-timeout"))
        o.timeoutS = std::atof(t->c_str());
    return o;
}

nlohmann::json logJson(const ModalLogLine& l)
{
    nlohmann::json j{{"timestamp", l.timestamp}, {"container_id", l.containerId}, {"message", l.message}};
    if (l.eval)
        j["eval"] = *l.eval;
    return j;
}

void printLogLine(const ModalLogLine& l, bool json, const std::string& onlyContainer)
{
    if (!onlyContainer.empty() && l.containerId != onlyContainer)
        return;
    if (json) {
        std::printf("%s\n", logJson(l).dump().c_str());
    } else {
        std::string prefix;
        if (!l.timestamp.empty())
            prefix += l.timestamp + " ";
        if (!l.containerId.empty())
            prefix += l.containerId + " ";
        std::printf("%s%s\n", prefix.c_str(), l.message.c_str());
    }
    std::fflush(stdout);
}

int cmdStatus(const ArgParser& p, const ModalCli& cli, bool json)
{
    ModalConfig config =
        resolveSettings(p).modalConfig(); // --endpoint, --gpu, environment, Settings, modal.json
    ModalCheckOptions o;
    o.appName = p.valueOr("app", kApp);
    if (auto t = p.value("timeout"))
        o.configuredTimeoutS = std::atoi(t->c_str());
    if (auto y = p.value("training-config"))
        o.trainingModalTimeoutS = trainingModalTimeoutS(*y);
    o.legacyDeadlineS = savedLegacyDeadlineS();
    bool allOk = true;
    nlohmann::json arr = nlohmann::json::array();
    runModalChecks(cli, config, o, [&](const ModalCheck& c) {
        allOk = allOk && c.ok;
        if (json) {
            arr.push_back({{"id", c.id},
                           {"title", c.title},
                           {"ok", c.ok},
                           {"skipped", c.skipped},
                           {"detail", c.detail},
                           {"fix", c.fix}});
            return;
        }
        std::printf("%-6s %-36s %s\n", c.skipped ? "SKIP" : (c.ok ? "PASS" : "FAIL"), c.title.c_str(),
                    c.detail.c_str());
        if (!c.ok && !c.skipped && !c.fix.empty())
            std::printf("       fix: %s\n", c.fix.c_str());
        std::fflush(stdout);
    });
    if (json)
        printJson({{"ok", allOk}, {"checks", arr}});
    return allOk ? ExitOk : ExitFailure;
}

int cmdApps(const ModalCli& cli, bool json)
{
    auto r = cli.listApps();
    if (!r.ok())
        return fail(r.diagnosis, json);
    if (json) {
        auto arr = nlohmann::json::array();
        for (const auto& a : r.value)
            arr.push_back({{"app_id", a.appId},
                           {"description", a.description},
                           {"state", a.state},
                           {"tasks", a.tasks},
                           {"created_at", a.createdAt},
                           {"stopped_at",
                            a.stoppedAt.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.stoppedAt)}});
        printJson(arr);
        return ExitOk;
    }
    std::printf("%-27s %-24s %-22s %5s  %s\n", "APP ID", "NAME", "STATE", "TASKS", "CREATED");
    for (const auto& a : r.value)
        std::printf("%-27s %-24s %-22s %5d  %s\n", a.appId.c_str(), a.description.c_str(), a.state.c_str(),
                    a.tasks, a.createdAt.c_str());
    return ExitOk;
}

int cmdContainers(const ModalCli& cli, bool json)
{
    auto r = cli.listContainers();
    if (!r.ok())
        return fail(r.diagnosis, json);
    if (json) {
        auto arr = nlohmann::json::array();
        for (const auto& c : r.value)
            arr.push_back({{"container_id", c.containerId},
                           {"app_id", c.appId},
                           {"app_name", c.appName},
                           {"start_time", c.pending ? "Pending" : c.startTime}});
        printJson(arr);
        return ExitOk;
    }
    std::printf("%-32s %-24s %s\n", "CONTAINER", "APP", "STARTED");
    for (const auto& c : r.value)
        std::printf("%-32s %-24s %s\n", c.containerId.c_str(), c.appName.c_str(),
                    c.pending ? "pending" : c.startTime.c_str());
    return ExitOk;
}

int cmdLogs(const ArgParser& p, const ModalCli& cli, const std::vector<std::string>& pos, bool json)
{
    bool follow = p.has("follow");
    std::string app = kApp;
    for (std::size_t i = 1; i < pos.size(); ++i) {
        if (pos[i] == "-f")
            follow = true;
        else
            app = pos[i];
    }
    const std::string only = p.valueOr("container", "");
    if (!follow) {
        auto r = cli.appLogs(app);
        if (!r.ok())
            return fail(r.diagnosis, json);
        for (const auto& l : r.value)
            printLogLine(l, json, only);
        return ExitOk;
    }
    installSigint();
    auto r = cli.followAppLogs(
        app, {}, [&](const ModalLogLine& l) { printLogLine(l, json, only); }, &g_stop);
    if (!r.ok())
        return fail(r.diagnosis, json);
    return g_stop ? ExitInterrupted : ExitOk;
}

int cmdHistory(const ModalCli& cli, const std::vector<std::string>& pos, bool json)
{
    auto r = cli.appHistory(pos.size() > 1 ? pos[1] : kApp);
    if (!r.ok())
        return fail(r.diagnosis, json);
    if (json) {
        auto arr = nlohmann::json::array();
        for (const auto& v : r.value)
            arr.push_back({{"version", v.version},
                           {"version_text", v.versionText},
                           {"time_deployed", v.timeDeployed},
                           {"client", v.client},
                           {"deployed_by", v.deployedBy},
                           {"commit", v.commit},
                           {"tag", v.tag}});
        printJson(arr);
        return ExitOk;
    }
    for (const auto& v : r.value)
        std::printf("%-16s %-28s client %-8s by %s\n", v.versionText.c_str(), v.timeDeployed.c_str(),
                    v.client.c_str(), v.deployedBy.c_str());
    return ExitOk;
}

int cmdDeploy(ArgParser& p, const ModalCli& cli, bool json)
{
    ModalDeployRequest req;
    req.file = p.valueOr("file", "");
    req.gpu = resolveSettings(p).modalGpu.value; // --gpu, KERNELWATCH_MODAL_GPU, Settings, modal.json
    const auto timeout = p.intValue("timeout", 10, 86400);
    const auto maxContainers = p.intValue("max-containers", 1, 1000);
    const auto legacyDeadline = p.intValue("legacy-deadline", 18, 86400);
    if (!p.error().empty()) {
        std::fprintf(stderr, "kernelwatch-cli modal deploy: %s\n", p.error().c_str());
        return ExitUsage;
    }
    req.timeoutS = timeout.value_or(300);
    req.maxContainers = maxContainers.value_or(kDefaultMaxContainers);
    req.legacyDeadlineS = legacyDeadline.value_or(60);
    if (const auto plan = planEvaluatorLaunch(req); !plan.ok()) {
        std::fprintf(stderr, "kernelwatch-cli modal deploy: %s\n", plan.diagnosis.message().c_str());
        return ExitUsage;
    }
    installSigint();
    const ModalDeployOutcome r = deployEvaluator(
        cli, req,
        [&](std::string_view line, bool) {
            std::fprintf(json ? stderr : stdout, "%.*s\n", static_cast<int>(line.size()), line.data());
            std::fflush(json ? stderr : stdout);
        },
        &g_stop);
    if (!r.ok())
        return fail(r.diagnosis, json);
    if (json) {
        printJson({{"ok", true},
                   {"skipped", r.result.skipped},
                   {"endpoint", r.endpoint},
                   {"gpu", r.gpu},
                   {"max_timeout_s", req.timeoutS},
                   {"max_containers", req.maxContainers},
                   {"legacy_deadline_s", req.legacyDeadlineS},
                   {"deploy_seconds",
                    r.result.deploySeconds ? nlohmann::json(*r.result.deploySeconds) : nlohmann::json()},
                   {"deployment_url", r.result.deploymentUrl},
                   {"saved_to", r.saved ? modalSettingsPath() : std::string()}});
    } else {
        std::printf("\n%s\n", r.summary().c_str());
        std::printf("endpoint: %s\n",
                    r.endpoint.empty() ? "(no web endpoint in the output)" : r.endpoint.c_str());
        if (r.saved)
            std::printf("saved to %s (used by --target modal when no --endpoint is given)\n",
                        modalSettingsPath().c_str());
    }
    return ExitOk;
}

int runModal(const std::vector<std::string>& args)
{
    ArgParser p;
    p.flag("json", "print JSON")
        .flag("follow", "logs: follow (same as -f)")
        .option("container", "ID", "logs: only lines of this container")
        .option("env", "ENV", "Modal environment (-e); default: the profile's")
        .option("modal", "PATH", "the modal program (default: $KERNELWATCH_MODAL_BIN or modal on PATH)")
        .option("command-timeout", "S", "seconds one modal command may take (default 120)")
        .option("endpoint", "URL", "status: web endpoint to probe (default: saved by deploy)")
        .option("app", "NAME", "status: app name (default kernel-rl-evaluator)")
        .option("training-config", "FILE",
                "status: kernel_rl's training YAML: check its modal_timeout against the app's deadline")
        .option("gpu", "TYPE", "deploy/status: default GPU type (H100, A100-80GB, H100!, TYPE:N)")
        .option("timeout", "S", "deploy: longest evaluation the app allows; status: the timeout you use")
        .option("max-containers", "N", "deploy: most containers the app may run at once (default 32)")
        .option("legacy-deadline", "S",
                "deploy: the Modal timeout training code passes to the legacy evaluate (kernel_rl's "
                "modal_timeout; default 60)")
        .option("file", "PATH", "deploy: the Modal app file (default: the bundled modal_app.py)")
        .flag("help", "show this help");
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli modal: %s\n", p.error().c_str());
        return ExitUsage;
    }
    const auto& pos = p.positionals();
    if (p.has("help") || pos.empty()) {
        std::fprintf(p.has("help") ? stdout : stderr, "%s%s", usageText(), p.helpText().c_str());
        return p.has("help") ? ExitOk : ExitUsage;
    }
    const bool json = p.has("json");
    const ModalCli cli(cliOptions(p));
    const std::string& sub = pos[0];
    if (sub == "status")
        return cmdStatus(p, cli, json);
    if (sub == "apps")
        return cmdApps(cli, json);
    if (sub == "containers")
        return cmdContainers(cli, json);
    if (sub == "logs")
        return cmdLogs(p, cli, pos, json);
    if (sub == "history")
        return cmdHistory(cli, pos, json);
    if (sub == "deploy")
        return cmdDeploy(p, cli, json);
    if (sub == "stop-app" || sub == "stop-container") {
        const bool app = sub == "stop-app";
        if (!app && pos.size() < 2) {
            std::fprintf(stderr, "kernelwatch-cli modal stop-container: give the container id (ta-...)\n");
            return ExitUsage;
        }
        const std::string target = pos.size() > 1 ? pos[1] : kApp;
        auto r = app ? cli.stopApp(target) : cli.stopContainer(target);
        if (!r.ok())
            return fail(r.diagnosis, json);
        if (json)
            printJson({{"ok", true}, {"stopped", target}});
        else
            std::printf("stopped %s\n", target.c_str());
        return ExitOk;
    }
    std::fprintf(stderr, "kernelwatch-cli modal: unknown subcommand '%s'\n\n%s", sub.c_str(), usageText());
    return ExitUsage;
}

const CommandRegistrar
    reg({"modal", "modal status|apps|containers|logs [-f]|history|deploy|stop-app|stop-container",
         "operate the Modal deployment: checks, apps, containers, logs, deploy, stop", &runModal});

} // namespace
} // namespace kw::cli
