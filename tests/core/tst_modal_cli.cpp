// ModalCli against the fake `modal` (tests/doubles/bin/modal): command lines (--json, -y, -e),
// parsing, streaming, stop, timeouts and every documented failure.
#include "core/base/ExecutableSearch.h"
#include "core/modal/ModalChecks.h"
#include "core/modal/ModalCli.h"
#include "core/modal/ModalEndpointProbe.h"

#include "tests/TestPaths.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace kw;

namespace {

ModalCliOptions fake(const std::string& scenario = "ok", const std::string& logFile = {},
                     const std::string& version = "1.5.4")
{
    ModalCliOptions o;
    o.program = kwtest::testsPath() + "/doubles/bin/modal";
    o.env["FAKE_MODAL_SCENARIO"] = scenario;
    o.env["FAKE_MODAL_VERSION"] = version;
    if (!logFile.empty())
        o.env["FAKE_MODAL_LOG"] = logFile;
    o.timeoutS = 30;
    return o;
}

void bothVersions()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("1.5.4") << "1.5.4";
    QTest::newRow("1.4.2") << "1.4.2";
}

// The seconds a recorded case took, from tests/fixtures/modal/<version>/MANIFEST
// ("network   exit=1   57.2s  modal app list --json"); -1 when not listed.
double recordedSeconds(const std::string& version, const std::string& name)
{
    std::ifstream f(kwtest::fixturesPath() + "/modal/" + version + "/MANIFEST");
    std::string line;
    while (std::getline(f, line)) {
        std::istringstream in(line);
        std::string caseName, exitField, seconds;
        if (in >> caseName >> exitField >> seconds && caseName == name && exitField.rfind("exit=", 0) == 0 &&
            !seconds.empty() && seconds.back() == 's')
            return std::stod(seconds.substr(0, seconds.size() - 1));
    }
    return -1;
}

std::vector<nlohmann::json> invocations(const std::string& logFile)
{
    std::vector<nlohmann::json> out;
    std::ifstream f(logFile);
    std::string line;
    while (std::getline(f, line))
        out.push_back(nlohmann::json::parse(line));
    return out;
}

} // namespace

class TestModalCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_log = m_dir.path().toStdString() + "/invocations.jsonl";
        if (!ModalCli(fake()).version().ok())
            QSKIP("the fake modal does not run here (python3 missing?)");
    }
    void init() { std::remove(m_log.c_str()); }

    void version_data() { bothVersions(); }
    void version()
    {
        QFETCH(QString, version);
        auto v = ModalCli(fake("ok", {}, version.toStdString())).version();
        QVERIFY(v.ok());
        QCOMPARE(QString::fromStdString(v.value), version); // "modal client version: 1.5.4"
    }

    void tokenInfo_data() { bothVersions(); }
    void tokenInfo()
    {
        QFETCH(QString, version);
        const std::string ver = version.toStdString();
        auto env = fake("ok", {}, ver);
        env.env["MODAL_TOKEN_ID"] = "ak-AbCdEfGh12345678IjKlMn";
        env.env["MODAL_TOKEN_SECRET"] = "as-NotARealSecret0000";
        auto t = ModalCli(env).tokenInfo();
        QVERIFY2(t.ok(), t.diagnosis.message().c_str());
        QCOMPARE(t.value.tokenId, std::string("ak-AbCdEfGh12345678IjKlMn"));
        QCOMPARE(t.value.workspace, std::string("kernel-lab")); // the id "(ac-…)" kept apart
        QCOMPARE(t.value.workspaceId, std::string("ac-9Xy8Wv7Ut6Sr5Qp4"));
        QCOMPARE(t.value.source, ModalTokenSource::Environment);
        auto profile = fake("ok", {}, ver);
        profile.unsetEnv = {"MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET"};
        auto p = ModalCli(profile).tokenInfo();
        QVERIFY2(p.ok(), p.diagnosis.message().c_str());
        QCOMPARE(p.value.source, ModalTokenSource::Profile);
        QCOMPARE(p.value.workspace, std::string("kernel-lab"));
        auto missing = ModalCli(fake("token_missing", {}, ver)).tokenInfo();
        QCOMPARE(missing.diagnosis.cause, ModalCause::TokenMissing);
        QCOMPARE(missing.command.exitCode, 1);
        auto invalid = ModalCli(fake("token_invalid", {}, ver)).tokenInfo();
        QCOMPARE(invalid.diagnosis.cause, ModalCause::TokenInvalid);
    }

    void commandTimeoutOutlastsTheNetworkRetries()
    {
        // The real client retried an unreachable server for ~57 s before its "Could not connect
        // to the Modal server." box (recorded, both versions): the default one-shot timeout must
        // outlast that with room to spare, or the caller sees our timeout instead of Network.
        double longest = 0;
        for (const char* v : {"1.5.4", "1.4.2"})
            for (const char* name : {"network", "network_token_info"}) {
                const double s = recordedSeconds(v, name);
                QVERIFY2(s > 0, name);
                longest = std::max(longest, s);
            }
        QVERIFY(longest > 50);
        QVERIFY(ModalCliOptions().timeoutS >= 90);
        QVERIFY(ModalCliOptions().timeoutS >= longest * 1.5);
        QVERIFY(ModalCliOptions::fromEnvironment().timeoutS >= longest * 1.5);
        // What the client says then is classified as a network problem.
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QCOMPARE(ModalCli(fake("network", {}, v)).listApps().diagnosis.cause, ModalCause::Network);
            QCOMPARE(ModalCli(fake("network", {}, v)).tokenInfo().diagnosis.cause, ModalCause::Network);
        }
    }

    void listsUseJson()
    {
        ModalCli cli(fake("ok", m_log));
        auto apps = cli.listApps();
        QVERIFY2(apps.ok(), apps.diagnosis.message().c_str());
        QCOMPARE(apps.value.size(), std::size_t(7)); // 1.5.4's app_list: one app per state
        auto containers = cli.listContainers();
        QVERIFY(containers.ok());
        QCOMPARE(containers.value.size(), std::size_t(2));
        QVERIFY(!containers.value[0].pending && containers.value[1].pending); // as the client lists them
        auto inv = invocations(m_log);
        QCOMPARE(inv.size(), std::size_t(2));
        for (const auto& i : inv) {
            const auto argv = i["argv"].get<std::vector<std::string>>();
            QVERIFY(std::find(argv.begin(), argv.end(), "--json") != argv.end());
            QCOMPARE(i["no_color"].get<std::string>(), std::string("1"));
        }
        auto legacy = ModalCli(fake("ok", {}, "1.4.2")).listApps(); // column titles as keys
        QVERIFY(legacy.ok());
        QCOMPARE(legacy.value.size(), std::size_t(7));
        QCOMPARE(legacy.value[0].description, std::string("kernel-rl-evaluator"));
        QCOMPARE(legacy.value[1].state, std::string("ephemeral (detached)"));
    }

    void garbageJsonIsAParseFailure()
    {
        auto apps = ModalCli(fake("garbage_json")).listApps();
        QVERIFY(!apps.ok());
        QCOMPARE(apps.diagnosis.cause, ModalCause::Unknown);
        QVERIFY(apps.diagnosis.summary.find("unexpected output") != std::string::npos);
    }

    void environmentFlagAndNotFound()
    {
        auto o = fake("ok", m_log);
        o.environment = "dev";
        auto r = ModalCli(o).stopApp("missing-app");
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnosis.cause, ModalCause::AppNotFound);
        QVERIFY(r.diagnosis.detail.find("'dev' environment") != std::string::npos);
        auto inv = invocations(m_log);
        const auto argv = inv.at(0)["argv"].get<std::vector<std::string>>();
        QCOMPARE(argv, (std::vector<std::string>{"app", "stop", "missing-app", "-y", "-e", "dev"}));
    }

    void stopCommandsPassYes()
    {
        ModalCli cli(fake("ok", m_log));
        QVERIFY(cli.stopApp("kernel-rl-evaluator").value);
        QVERIFY(cli.stopContainer("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA").value);
        for (const auto& i : invocations(m_log)) {
            const auto argv = i["argv"].get<std::vector<std::string>>();
            QVERIFY(std::find(argv.begin(), argv.end(), "-y") != argv.end());
        }
        // Without -y and without a terminal, modal aborts: run() shows it.
        auto raw = cli.run({"app", "stop", "kernel-rl-evaluator"});
        QCOMPARE(raw.exitCode, 1);
    }

    void logsParsed_data() { bothVersions(); }
    void logsParsed()
    {
        QFETCH(QString, version);
        auto r = ModalCli(fake("ok", m_log, version.toStdString())).appLogs("kernel-rl-evaluator");
        QVERIFY(r.ok());
        QCOMPARE(r.value.size(), std::size_t(5));
        QCOMPARE(r.value[0].timestamp, std::string("2026-12-06 22:00:00-08:00"));
        QCOMPARE(r.value[1].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"));
        QVERIFY(r.value[1].eval.has_value());
        QCOMPARE(r.value[3].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QCOMPARE(r.value[3].message, std::string("  File \"/root/modal_app.py\", line 372, in _run"));
        const auto argv = invocations(m_log).at(0)["argv"].get<std::vector<std::string>>();
        QCOMPARE(argv, (std::vector<std::string>{"app", "logs", "kernel-rl-evaluator", "--timestamps",
                                                 "--show-container-id"}));
        auto missing =
            ModalCli(fake("app_not_found", {}, version.toStdString())).appLogs("kernel-rl-evaluator");
        QCOMPARE(missing.diagnosis.cause, ModalCause::AppNotFound);
    }

    void logsWithoutAnAppNameAreRefused()
    {
        // `modal app logs` without a name prints its help on stdout and exits 0 (recorded): it
        // must not be run, or the help would come back as log lines.
        ModalCli cli(fake("ok", m_log));
        auto r = cli.appLogs("");
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnosis.cause, ModalCause::UsageError);
        QVERIFY(r.value.empty());
        auto f = cli.followAppLogs(
            "", {}, [](const ModalLogLine&) { QFAIL("no lines expected"); }, nullptr);
        QVERIFY(!f.ok());
        QCOMPARE(f.value, 0L);
        QVERIFY(invocations(m_log).empty());
    }

    void containerLogs_data() { bothVersions(); }
    void containerLogs()
    {
        // `modal container logs` takes no --show-container-id (exit 2 in both versions): ModalCli
        // leaves it out, and the container id is the one asked for.
        QFETCH(QString, version);
        ModalCli cli(fake("ok", m_log, version.toStdString()));
        auto r = cli.containerLogs("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA");
        QVERIFY2(r.ok(), r.diagnosis.message().c_str());
        QCOMPARE(r.value.size(), std::size_t(2));
        QCOMPARE(r.value[0].timestamp, std::string("2026-12-06 22:00:00-08:00"));
        QCOMPARE(r.value[0].message, std::string("Loading evaluator (torch 2.7.1, cuda 12.8)"));
        QVERIFY(r.value[1].eval.has_value());
        const auto argv = invocations(m_log).at(0)["argv"].get<std::vector<std::string>>();
        QCOMPARE(argv, (std::vector<std::string>{"container", "logs", "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA",
                                                 "--timestamps"}));

        // Were the option passed, the recorded usage error (1.5.4 plain "Error: No such option:
        // --show-container-id", 1.4.2 boxed) says it is kernelwatch's mistake, not the client's age.
        auto usage = ModalCli(fake("container_logs_usage", {}, version.toStdString()))
                         .containerLogs("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA");
        QVERIFY(!usage.ok());
        QCOMPARE(usage.command.exitCode, 2);
        QCOMPARE(usage.diagnosis.cause, ModalCause::UsageError);
        QCOMPARE(usage.diagnosis.summary,
                 std::string("kernelwatch passed an option this modal command does not take"));
        QCOMPARE(usage.diagnosis.detail, std::string("No such option: --show-container-id"));
        QVERIFY(usage.diagnosis.fix.find("pip install") == std::string::npos);
    }

    void followEndsWhenAppStops_data() { bothVersions(); }
    void followEndsWhenAppStops()
    {
        // The recorded `app logs -f`: the five lines, then exit 0 with nothing more when the app stops.
        QFETCH(QString, version);
        auto o = fake("ok", {}, version.toStdString());
        o.env["FAKE_MODAL_FOLLOW"] = "5";
        std::vector<ModalLogLine> lines;
        auto r = ModalCli(o).followAppLogs(
            "kernel-rl-evaluator", {}, [&](const ModalLogLine& l) { lines.push_back(l); }, nullptr);
        QVERIFY2(r.ok(), r.diagnosis.message().c_str());
        QCOMPARE(r.command.exitCode, 0);
        QVERIFY(!r.command.stopped);
        QVERIFY(r.command.err.empty());
        QCOMPARE(r.value, 5L);
        QCOMPARE(lines.size(), std::size_t(5));
        for (const auto& l : lines)
            QCOMPARE(l.timestamp.size(), std::string("2026-12-06 22:00:00-08:00").size());
        QVERIFY(lines[1].eval.has_value());
        QCOMPARE(lines[4].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
    }

    void followStopsOnRequest()
    {
        std::atomic<bool> stop{false};
        int seen = 0;
        QElapsedTimer t;
        t.start();
        auto r = ModalCli(fake()).followAppLogs(
            "kernel-rl-evaluator", {},
            [&](const ModalLogLine&) {
                if (++seen == 3)
                    stop = true;
            },
            &stop);
        QVERIFY(r.command.stopped);
        QVERIFY(r.ok());
        QVERIFY(seen >= 3);
        QVERIFY(t.elapsed() < 8000);
    }

    void deployStreamsAndPassesSettings()
    {
        std::vector<std::string> lines;
        const std::string file = kwtest::testsPath() + "/doubles/endpoint_double.py"; // any existing .py
        auto r =
            ModalCli(fake("ok", m_log))
                .deploy(file, {{"KERNELWATCH_MODAL_GPU", "A100-80GB"}, {"KERNELWATCH_MODAL_TIMEOUT", "900"}},
                        [&](std::string_view l, bool) { lines.emplace_back(l); });
        QVERIFY2(r.ok(), r.diagnosis.message().c_str());
        QVERIFY(r.value.success);
        QCOMPARE(modalEndpointUrl(r.value),
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        QVERIFY(lines.size() >= 8);
        const auto inv = invocations(m_log).at(0);
        QCOMPARE(inv["deploy_gpu"].get<std::string>(), std::string("A100-80GB"));
        QCOMPARE(inv["deploy_timeout"].get<std::string>(), std::string("900"));
    }

    void deployFailuresClassified()
    {
        const std::string file = kwtest::testsPath() + "/doubles/endpoint_double.py";
        auto cuda = ModalCli(fake("deploy_cuda")).deploy(file);
        QVERIFY(!cuda.ok());
        QCOMPARE(cuda.diagnosis.cause, ModalCause::CudaArchMismatch);
        QVERIFY(!cuda.value.success);
        for (const char* v : {"1.5.4", "1.4.2"}) {
            // An exception in the app file: rich's traceback panel, then "ValueError: …" (recorded
            // with KERNELWATCH_MODAL_GPU=V100).
            auto tb = ModalCli(fake("deploy_fail", {}, v)).deploy(file);
            QVERIFY(!tb.ok());
            QCOMPARE(tb.command.exitCode, 1);
            QVERIFY2(tb.value.error.rfind("ValueError: unknown GPU type 'V100': use one of ", 0) == 0,
                     tb.value.error.c_str());
            QVERIFY(tb.value.errorDetail.find("in normalize_gpu") != std::string::npos);
            QCOMPARE(tb.diagnosis.summary, "modal deploy failed: " + tb.value.error);
            QVERIFY2(tb.diagnosis.message().find("ValueError: unknown GPU type 'V100'") != std::string::npos,
                     tb.diagnosis.message().c_str());
            QCOMPARE(tb.diagnosis.detail, tb.value.errorDetail); // the traceback panel's frames
            auto skipped = ModalCli(fake("deploy_skipped", {}, v)).deploy(file);
            QVERIFY2(skipped.ok(), skipped.diagnosis.message().c_str());
            QVERIFY(skipped.value.success && skipped.value.skipped);
            QCOMPARE(modalEndpointUrl(skipped.value),
                     std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        }
        auto missingFile = ModalCli(fake()).deploy(kwtest::testsPath() + "/doubles/no_such_app.py");
        QVERIFY(!missingFile.ok());
        QVERIFY2(
            missingFile.value.error.rfind("FileNotFoundError: [Errno 2] No such file or directory: ", 0) == 0,
            missingFile.value.error.c_str());
        QVERIFY(missingFile.value.error.find("no_such_app.py") != std::string::npos);
        QVERIFY(missingFile.diagnosis.summary.find("FileNotFoundError") != std::string::npos);
        auto noauth = ModalCli(fake("token_missing")).deploy(file);
        QCOMPARE(noauth.diagnosis.cause, ModalCause::TokenMissing);
    }

    void serveUntilStopped()
    {
        // serve() runs without a timeout of its own: a watchdog stops it should the URL line
        // never come, so the test fails instead of hanging.
        std::atomic<bool> stop{false};
        std::atomic<bool> done{false};
        std::atomic<bool> watchdogFired{false};
        std::thread watchdog([&] {
            for (int i = 0; i < 200 && !done; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (!done) {
                watchdogFired = true;
                stop = true;
            }
        });
        const std::string file = kwtest::testsPath() + "/doubles/endpoint_double.py";
        auto r = ModalCli(fake()).serve(
            file, {},
            [&](std::string_view l, bool) {
                if (l.find("=> https://") != std::string_view::npos)
                    stop = true;
            },
            &stop);
        done = true;
        watchdog.join();
        QVERIFY(!watchdogFired);
        QVERIFY(r.command.stopped);
        QCOMPARE(modalEndpointUrl(r.value),
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http-dev.modal.run"));
        QVERIFY(r.value.webFunctions.at(0).proxyAuth);
    }

    void missingProgram()
    {
        ModalCliOptions o;
        o.program = "/nonexistent/modal";
        auto r = ModalCli(o).listApps();
        QCOMPARE(r.diagnosis.cause, ModalCause::CliNotInstalled);
        QVERIFY(r.diagnosis.fix.find("pipx install 'modal>=1.4.2'") != std::string::npos);
    }

    // pipx puts modal in ~/.local/bin, which a desktop session started before it existed does
    // not have on PATH: the default program falls back to it, and PATH still wins.
    void defaultProgramFindsPipxsModal()
    {
        QTemporaryDir home, bin;
        QCOMPARE(ModalCliOptions::defaultProgram("/nonexistent", home.path().toStdString()),
                 std::string("modal"));
        const QString pipx = home.filePath(QStringLiteral(".local/bin/modal"));
        QVERIFY(QDir().mkpath(home.filePath(QStringLiteral(".local/bin"))));
        QVERIFY(QFile::copy(QString::fromStdString(kwtest::testsPath() + "/doubles/bin/modal"), pipx));
        QCOMPARE(ModalCliOptions::defaultProgram("/nonexistent", home.path().toStdString()),
                 pipx.toStdString());
        QVERIFY(QFile::copy(pipx, bin.filePath(QStringLiteral("modal"))));
        QCOMPARE(ModalCliOptions::defaultProgram(("/nonexistent::" + bin.path()).toStdString(),
                                                 home.path().toStdString()),
                 std::string("modal"));
        // Not executable: not taken.
        QVERIFY(QFile::setPermissions(pipx, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QCOMPARE(ModalCliOptions::defaultProgram("/nonexistent", home.path().toStdString()),
                 std::string("modal"));
        QCOMPARE(findExecutable("modal", ("/nonexistent::" + bin.path()).toStdString()),
                 std::optional<std::string>(bin.filePath(QStringLiteral("modal")).toStdString()));
        QCOMPARE(findExecutable(pipx.toStdString(), ""), std::optional<std::string>());
        QCOMPARE(searchPathDirs("::/a::/b:"), (std::vector<std::string>{"/a", "/b"}));
    }

    void hangTimesOut()
    {
        auto o = fake("hang");
        o.timeoutS = 1;
        QElapsedTimer t;
        t.start();
        auto r = ModalCli(o).listApps();
        QVERIFY(r.command.timedOut);
        QCOMPARE(r.diagnosis.cause, ModalCause::Timeout);
        QVERIFY(t.elapsed() < 5000);
    }

    // The GUI's bridges set a stop flag when they go: a one-shot command that hangs (offline, the
    // client retries ~57 s) is killed at once and says it was stopped, not that it failed.
    void stopFlagEndsOneShotCommands()
    {
        const ModalCli cli(fake("hang"));
        const auto stoppedSoon = [](auto call) {
            std::atomic<bool> stop{false};
            std::thread setter([&stop] {
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
                stop = true;
            });
            QElapsedTimer t;
            t.start();
            auto r = call(&stop);
            const qint64 ms = t.elapsed();
            setter.join();
            qInfo("stopped after %lld ms", ms);
            QVERIFY2(ms >= 400 && ms < 1500, qPrintable(QString::number(ms)));
            QVERIFY(r.command.stopped);
            QVERIFY(!r.command.timedOut);
            QCOMPARE(r.command.exitCode, 128 + SIGKILL);
            QVERIFY(!r.ok());
            QCOMPARE(r.diagnosis.cause, ModalCause::Stopped);
            QVERIFY2(r.diagnosis.summary.find("stopped before it answered") != std::string::npos,
                     r.diagnosis.summary.c_str());
        };
        stoppedSoon([&](const std::atomic<bool>* stop) { return cli.tokenInfo(stop); });
        stoppedSoon([&](const std::atomic<bool>* stop) { return cli.listApps(stop); });
        stoppedSoon([&](const std::atomic<bool>* stop) { return cli.listContainers(stop); });
        stoppedSoon([&](const std::atomic<bool>* stop) { return cli.stopContainer("ta-01HANG", stop); });
        // Without a flag (the CLI) the command runs to its own end.
        auto o = fake("hang");
        o.timeoutS = 1;
        QCOMPARE(ModalCli(o).tokenInfo().diagnosis.cause, ModalCause::Timeout);
    }

    // Without the client, the checks after it are skipped and say what they wait for.
    void skippedChecksSayWhy()
    {
        ModalCliOptions missing;
        missing.program = "/nonexistent/modal";
        const auto checks = runModalChecks(ModalCli(missing), ModalConfig{}, ModalCheckOptions{});
        QVERIFY(checks.size() >= 4);
        QVERIFY(!checks[0].ok && !checks[0].skipped);
        for (const ModalCheck& c : checks) {
            if (!c.skipped)
                continue;
            QVERIFY2(c.detail.rfind("not checked: needs ", 0) == 0, (c.id + ": " + c.detail).c_str());
        }
        QVERIFY(checks[1].skipped);
        QCOMPARE(checks[1].detail, std::string("not checked: needs the Modal CLI (above)"));
    }

    void stopFlagEndsTheChecks()
    {
        std::atomic<bool> stop{false};
        ModalCheckOptions o;
        o.stop = &stop;
        std::vector<std::string> reported;
        std::thread setter;
        QElapsedTimer t;
        const auto checks =
            runModalChecks(ModalCli(fake("hang")), ModalConfig{}, o, [&](const ModalCheck& c) {
                reported.push_back(c.id);
                if (c.id == "cli") { // `modal token info` starts next and hangs
                    t.start();
                    setter = std::thread([&stop] {
                        std::this_thread::sleep_for(std::chrono::milliseconds(500));
                        stop = true;
                    });
                }
            });
        const qint64 ms = t.elapsed();
        setter.join();
        qInfo("the checks ended %lld ms after `modal --version` answered", ms);
        QVERIFY2(ms >= 400 && ms < 1500, qPrintable(QString::number(ms)));
        // `modal --version` answered; `modal token info` hung and was stopped; nothing ran after it.
        QCOMPARE(checks.size(), std::size_t(2));
        QCOMPARE(reported, (std::vector<std::string>{"cli", "token"}));
        QVERIFY(checks[0].ok);
        QVERIFY(!checks[1].ok);
        QVERIFY2(checks[1].detail.find("`modal token info` stopped") != std::string::npos,
                 checks[1].detail.c_str());
    }

    void stopFlagEndsTheEndpointProbe()
    {
        // A server that accepts the connection (the kernel's backlog does) and never answers.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        QVERIFY(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0);
        QVERIFY(::listen(fd, 4) == 0);
        QVERIFY(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        ModalConfig config;
        config.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
        std::atomic<bool> stop{false};
        std::thread setter([&stop] {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            stop = true;
        });
        QElapsedTimer t;
        t.start();
        const ModalProbeResult r = probeModalEndpoint(config, 30, &stop);
        const qint64 ms = t.elapsed();
        setter.join();
        ::close(fd);
        qInfo("the probe ended after %lld ms", ms);
        QVERIFY2(ms >= 400 && ms < 2000, qPrintable(QString::number(ms)));
        QVERIFY(!r.ok);
        QCOMPARE(r.diagnosis.cause, ModalCause::Stopped);
    }

    void secretsStayOutOfOutput()
    {
        auto o = fake("ok", m_log);
        o.env["MODAL_TOKEN_SECRET"] = "as-KnownSecretValue123";
        auto r = ModalCli(o).run({"token", "info"});
        QVERIFY(r.ok());
        std::ifstream f(m_log);
        std::string all((std::istreambuf_iterator<char>(f)), {});
        QVERIFY(all.find("as-KnownSecretValue123") == std::string::npos);
        QVERIFY(all.find("MODAL_TOKEN_SECRET") != std::string::npos); // it was passed through
    }

private:
    QTemporaryDir m_dir;
    std::string m_log;
};

QTEST_GUILESS_MAIN(TestModalCli)
#include "tst_modal_cli.moc"
