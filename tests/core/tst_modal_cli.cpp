// ModalCli against the fake `modal` (tests/doubles/bin/modal): command lines (--json, -y, -e),
// parsing, streaming, stop, timeouts and every documented failure.
#include "ModalCli.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

using namespace kw;

namespace {

const std::string kTestsDir = std::string(__FILE__).substr(0, std::string(__FILE__).rfind("/core/"));

ModalCliOptions fake(const std::string& scenario = "ok", const std::string& logFile = {})
{
    ModalCliOptions o;
    o.program = kTestsDir + "/doubles/bin/modal";
    o.env["FAKE_MODAL_SCENARIO"] = scenario;
    if (!logFile.empty())
        o.env["FAKE_MODAL_LOG"] = logFile;
    o.timeoutS = 30;
    return o;
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

    void version()
    {
        auto v = ModalCli(fake()).version();
        QVERIFY(v.ok());
        QCOMPARE(v.value, std::string("1.5.2"));
    }

    void tokenInfo()
    {
        auto t = ModalCli(fake()).tokenInfo();
        QVERIFY2(t.ok(), t.diagnosis.message().c_str());
        QCOMPARE(t.value.tokenId, std::string("ak-AbCdEfGh12345678IjKlMn"));
        auto missing = ModalCli(fake("token_missing")).tokenInfo();
        QCOMPARE(missing.diagnosis.cause, ModalCause::TokenMissing);
        QCOMPARE(missing.command.exitCode, 1);
        auto invalid = ModalCli(fake("token_invalid")).tokenInfo();
        QCOMPARE(invalid.diagnosis.cause, ModalCause::TokenInvalid);
    }

    void listsUseJson()
    {
        ModalCli cli(fake("ok", m_log));
        auto apps = cli.listApps();
        QVERIFY2(apps.ok(), apps.diagnosis.message().c_str());
        QCOMPARE(apps.value.size(), std::size_t(3));
        auto containers = cli.listContainers();
        QVERIFY(containers.ok());
        QCOMPARE(containers.value.size(), std::size_t(2));
        auto inv = invocations(m_log);
        QCOMPARE(inv.size(), std::size_t(2));
        for (const auto& i : inv) {
            const auto argv = i["argv"].get<std::vector<std::string>>();
            QVERIFY(std::find(argv.begin(), argv.end(), "--json") != argv.end());
            QCOMPARE(i["no_color"].get<std::string>(), std::string("1"));
        }
        auto legacy = ModalCli(fake("legacy_keys")).listApps();
        QVERIFY(legacy.ok());
        QCOMPARE(legacy.value[0].description, std::string("kernel-rl-evaluator"));
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

    void logsParsed()
    {
        auto r = ModalCli(fake("ok", m_log)).appLogs("kernel-rl-evaluator");
        QVERIFY(r.ok());
        QCOMPARE(r.value.size(), std::size_t(4));
        QCOMPARE(r.value[1].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"));
        QVERIFY(r.value[1].eval.has_value());
        const auto argv = invocations(m_log).at(0)["argv"].get<std::vector<std::string>>();
        QCOMPARE(argv, (std::vector<std::string>{"app", "logs", "kernel-rl-evaluator", "--timestamps",
                                                 "--show-container-id"}));
        auto missing = ModalCli(fake("app_not_found")).appLogs("kernel-rl-evaluator");
        QCOMPARE(missing.diagnosis.cause, ModalCause::AppNotFound);
    }

    void followEndsWhenAppStops()
    {
        auto o = fake();
        o.env["FAKE_MODAL_FOLLOW"] = "6";
        std::vector<ModalLogLine> lines;
        auto r = ModalCli(o).followAppLogs(
            "kernel-rl-evaluator", {}, [&](const ModalLogLine& l) { lines.push_back(l); }, nullptr);
        QVERIFY2(r.ok(), r.diagnosis.message().c_str());
        QCOMPARE(r.value, 6L);
        QCOMPARE(lines.size(), std::size_t(6));
        QVERIFY(lines[1].eval.has_value());
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
        const std::string file = kTestsDir + "/doubles/endpoint_double.py"; // any existing .py
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
        const std::string file = kTestsDir + "/doubles/endpoint_double.py";
        auto cuda = ModalCli(fake("deploy_cuda")).deploy(file);
        QVERIFY(!cuda.ok());
        QCOMPARE(cuda.diagnosis.cause, ModalCause::CudaArchMismatch);
        QVERIFY(!cuda.value.success);
        auto tb = ModalCli(fake("deploy_fail")).deploy(file);
        QVERIFY(!tb.ok());
        QVERIFY(tb.value.error.find("InvalidError") != std::string::npos);
        auto noauth = ModalCli(fake("token_missing")).deploy(file);
        QCOMPARE(noauth.diagnosis.cause, ModalCause::TokenMissing);
    }

    void serveUntilStopped()
    {
        std::atomic<bool> stop{false};
        std::string url;
        const std::string file = kTestsDir + "/doubles/endpoint_double.py";
        auto r = ModalCli(fake()).serve(
            file, {},
            [&](std::string_view l, bool) {
                if (l.find("=> https://") != std::string_view::npos)
                    stop = true;
            },
            &stop);
        QVERIFY(r.command.stopped);
        QCOMPARE(modalEndpointUrl(r.value),
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http-dev.modal.run"));
    }

    void missingProgram()
    {
        ModalCliOptions o;
        o.program = "/nonexistent/modal";
        auto r = ModalCli(o).listApps();
        QCOMPARE(r.diagnosis.cause, ModalCause::CliNotInstalled);
        QVERIFY(r.diagnosis.fix.find("pip install modal") != std::string::npos);
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
