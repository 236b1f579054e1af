// Pure parsers of modal's output, on recorded outputs in tests/fixtures/modal/, and the
// error classifier on recorded failures.
#include "ModalAppHistory.h"
#include "ModalAppList.h"
#include "ModalContainerList.h"
#include "ModalDeployOutput.h"
#include "ModalErrorBox.h"
#include "ModalErrorClassifier.h"
#include "ModalLineBuffer.h"
#include "ModalLogLine.h"
#include "ModalSecrets.h"
#include "ModalTokenInfo.h"
#include "ModalVersion.h"

#include <QTest>
#include <fstream>
#include <sstream>

using namespace kw;

namespace {

// tests/core/../fixtures when KW_TEST_FIXTURES is not set (running the binary by hand).
const std::string SRC_FIXTURES =
    std::string(__FILE__).substr(0, std::string(__FILE__).rfind("/core/")) + "/fixtures";

std::string fixture(const std::string& name)
{
    const QByteArray dir = qgetenv("KW_TEST_FIXTURES");
    const std::string base = dir.isEmpty() ? SRC_FIXTURES : dir.toStdString();
    std::ifstream f(base + "/modal/" + name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

} // namespace

class TestModalParsers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (fixture("app_list.json").empty())
            QSKIP("fixtures not found: set KW_TEST_FIXTURES");
    }

    void appListBothKeyStyles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("snake_case (1.5)") << "app_list.json";
        QTest::newRow("column titles (pre-1.5)") << "app_list_legacy.json";
        QTest::newRow("warning line before the JSON") << "app_list_with_warning.txt";
    }
    void appListBothKeyStyles()
    {
        QFETCH(QString, file);
        auto p = parseModalAppList(fixture(file.toStdString()));
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(3));
        const ModalApp& a = p.value[0];
        QCOMPARE(a.appId, std::string("ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG"));
        QCOMPARE(a.description, std::string("kernel-rl-evaluator"));
        QCOMPARE(a.state, std::string("deployed"));
        QCOMPARE(a.tasks, 2);
        QCOMPARE(a.createdAt, std::string("2026-08-21 09:38:10-07:00"));
        QVERIFY(a.stoppedAt.empty());
        QVERIFY(a.isDeployed() && a.isRunning());
        QCOMPARE(p.value[1].stoppedAt, std::string("2026-08-21 08:30:44-07:00"));
        QVERIFY(!p.value[1].isRunning());
        QCOMPARE(p.value[2].state, std::string("ephemeral (detached)"));
        auto found = findModalApp(p.value, "kernel-rl-evaluator");
        QVERIFY(found && found->isDeployed());
        QVERIFY(!findModalApp(p.value, "nope"));
    }

    void appListFailures()
    {
        QVERIFY(!parseModalAppList("").ok());
        QVERIFY(!parseModalAppList("Apps\n  (table)\n").ok());
        QVERIFY(!parseModalAppList("[{\"app_id\": \"ap-1\", \"description\": ").ok());
        QVERIFY(!parseModalAppList("{\"app_id\": 1}").ok());
        auto partial = parseModalAppList(R"([{"app_id":"ap-1","tasks":"3"},{"description":"x"},7])");
        QVERIFY(!partial.ok());
        QCOMPARE(partial.value.size(), std::size_t(1));
        QCOMPARE(partial.value[0].tasks, 3);
        auto numericTasks = parseModalAppList(R"([{"app_id":"ap-2","tasks":4,"stopped_at":null}])");
        QVERIFY(numericTasks.ok());
        QCOMPARE(numericTasks.value[0].tasks, 4);
    }

    void containerList_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("snake_case") << "container_list.json";
        QTest::newRow("legacy") << "container_list_legacy.json";
    }
    void containerList()
    {
        QFETCH(QString, file);
        auto p = parseModalContainerList(fixture(file.toStdString()));
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(2));
        QCOMPARE(p.value[0].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QVERIFY(p.value[0].pending);
        QVERIFY(p.value[0].startTime.empty());
        QCOMPARE(p.value[1].startTime, std::string("2026-08-21 09:40:02-07:00"));
        QCOMPARE(p.value[1].appName, std::string("kernel-rl-evaluator"));
    }

    void logLinesWithPrefixes()
    {
        std::istringstream in(fixture("logs_prefixed.txt"));
        std::string line;
        std::vector<ModalLogLine> lines;
        while (std::getline(in, line))
            lines.push_back(parseModalLogLine(line));
        QCOMPARE(lines.size(), std::size_t(4));
        QCOMPARE(lines[0].timestamp, std::string("2026-08-21T16:38:10.120000+00:00"));
        QCOMPARE(lines[0].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"));
        QCOMPARE(lines[0].message, std::string("Loading evaluator (torch 2.7.1, cuda 12.8)"));
        QVERIFY(!lines[0].eval);
        QVERIFY(lines[1].eval.has_value());
        QCOMPARE((*lines[1].eval)["id"].get<std::string>(), std::string("r1"));
        QCOMPARE((*lines[1].eval)["speedup"].get<double>(), 1.8);
        QCOMPARE(lines[3].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QCOMPARE((*lines[3].eval)["status"].get<std::string>(), std::string("compile_error"));
    }

    void logLineVariants_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("ts");
        QTest::addColumn<QString>("cid");
        QTest::addColumn<QString>("msg");
        QTest::newRow("plain") << "hello world"
                               << ""
                               << ""
                               << "hello world";
        QTest::newRow("space timestamp") << "2026-08-21 09:38:10-07:00 hi"
                                         << "2026-08-21 09:38:10-07:00"
                                         << ""
                                         << "hi";
        QTest::newRow("zulu") << "2026-08-21T16:38:10Z msg"
                              << "2026-08-21T16:38:10Z"
                              << ""
                              << "msg";
        QTest::newRow("brackets") << "[2026-08-21T16:38:10.5+00:00] [ta-ABC123] x y"
                                  << "2026-08-21T16:38:10.5+00:00"
                                  << "ta-ABC123"
                                  << "x y";
        QTest::newRow("container first") << "ta-ABC123: 2026-08-21T16:38:10Z go"
                                         << "2026-08-21T16:38:10Z"
                                         << "ta-ABC123"
                                         << "go";
        QTest::newRow("ansi") << "\x1b[2m2026-08-21T16:38:10Z\x1b[0m \x1b[36mta-Q1\x1b[0m done"
                              << "2026-08-21T16:38:10Z"
                              << "ta-Q1"
                              << "done";
        QTest::newRow("not a prefix") << "ta-only-looks-like-it"
                                      << ""
                                      << ""
                                      << "ta-only-looks-like-it";
        QTest::newRow("crlf") << "2026-08-21T16:38:10Z text\r"
                              << "2026-08-21T16:38:10Z"
                              << ""
                              << "text";
        QTest::newRow("date only is message") << "2026-08-21 is a date"
                                              << ""
                                              << ""
                                              << "2026-08-21 is a date";
    }
    void logLineVariants()
    {
        QFETCH(QString, line);
        QFETCH(QString, ts);
        QFETCH(QString, cid);
        QFETCH(QString, msg);
        auto l = parseModalLogLine(line.toStdString());
        QCOMPARE(QString::fromStdString(l.timestamp), ts);
        QCOMPARE(QString::fromStdString(l.containerId), cid);
        QCOMPARE(QString::fromStdString(l.message), msg);
    }

    void evalPayloadErrors()
    {
        auto l = parseModalLogLine("KERNELWATCH_EVAL {\"id\": \"x\", \"status\"");
        QVERIFY(!l.eval);
        QVERIFY(!l.evalError.empty());
        auto arr = parseModalLogLine("KERNELWATCH_EVAL [1,2]");
        QVERIFY(!arr.eval);
        QVERIFY(arr.evalError.find("not a JSON object") != std::string::npos);
        auto none = parseModalLogLine("KERNELWATCH_EVALUATION started");
        QVERIFY(!none.eval && none.evalError.empty());
    }

    void lineBufferSplitsAndCaps()
    {
        std::vector<std::pair<std::string, bool>> got;
        ModalLineBuffer b([&](std::string_view l, bool t) { got.emplace_back(std::string(l), t); }, 8);
        b.feed("ab");
        b.feed("c\r\nde");
        b.feed("f\n0123456789ABCDEF");
        b.feed("GH\nlast");
        b.finish();
        QCOMPARE(got.size(), std::size_t(4));
        QCOMPARE(got[0].first, std::string("abc"));
        QCOMPARE(got[1].first, std::string("def"));
        QCOMPARE(got[2].first, std::string("01234567"));
        QVERIFY(got[2].second);
        QCOMPARE(got[3].first, std::string("last"));
    }

    void deploySuccess()
    {
        auto d = parseModalDeployOutput(fixture("deploy_success.txt"), 0);
        QVERIFY2(d.success, d.error.c_str());
        QCOMPARE(d.webFunctions.size(), std::size_t(1));
        QCOMPARE(d.webFunctions[0].name, std::string("evaluate_http"));
        QCOMPARE(d.webFunctions[0].url,
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        QCOMPARE(modalEndpointUrl(d), d.webFunctions[0].url);
        QVERIFY(d.deploySeconds && std::abs(*d.deploySeconds - 12.3) < 1e-9);
        QCOMPARE(d.deploymentUrl,
                 std::string("https://modal.com/apps/kernel-lab/main/deployed/kernel-rl-evaluator"));
        QCOMPARE(d.appPageUrl,
                 std::string("https://modal.com/apps/kernel-lab/main/ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG"));
        QCOMPARE(d.createdObjects.size(), std::size_t(3));
        QCOMPARE(d.createdObjects[1], std::string("function KernelEvaluator.*"));
        QVERIFY(d.error.empty());
    }

    void deployFailures()
    {
        auto cuda = parseModalDeployOutput(fixture("deploy_cuda.txt"), 1);
        QVERIFY(!cuda.success);
        QVERIFY2(cuda.error.find("Image build") != std::string::npos, cuda.error.c_str());
        QCOMPARE(classifyModalOutput(fixture("deploy_cuda.txt"), 1).cause, ModalCause::CudaArchMismatch);
        auto tb = parseModalDeployOutput(fixture("deploy_traceback.txt"), 1);
        QVERIFY(!tb.success);
        QVERIFY2(tb.error.find("modal.exception.InvalidError") == 0, tb.error.c_str());
        // "App deployed" text but a failing exit code is a failure.
        QVERIFY(!parseModalDeployOutput(fixture("deploy_success.txt"), 1).success);
        QVERIFY(!parseModalDeployOutput("", -1).success);
    }

    void deploySkippedIsSuccess()
    {
        // modal >= 1.4 on a redeploy that changes nothing: exit 0, the web function line still there.
        const std::string out =
            "\xe2\x9c\x93 Created objects.\n"
            "\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 \xf0\x9f\x94\xa8 Created web function "
            "evaluate_http => https://ws--kernel-rl-evaluator-evaluate-http.modal.run\n"
            "\xe2\x9c\x93 Deployment skipped: no changes detected! \xe2\x8f\xad\xef\xb8\x8f\n";
        const auto d = parseModalDeployOutput(out, 0);
        QVERIFY2(d.success, d.error.c_str());
        QVERIFY(d.skipped);
        QCOMPARE(modalEndpointUrl(d), std::string("https://ws--kernel-rl-evaluator-evaluate-http.modal.run"));
        QCOMPARE(modalDeployStageOf("\xe2\x9c\x93 Deployment skipped: no changes detected!"),
                 ModalDeployStage::Deployed);
        QVERIFY(!parseModalDeployOutput(out, 1).success);
    }

    void modalVersions()
    {
        QCOMPARE(modalVersionProblem("modal client version: 1.5.4"), std::string());
        QCOMPARE(modalVersionProblem("modal, version 1.4.2"), std::string());
        QCOMPARE(modalVersionProblem("1.10.0"), std::string());
        const std::string old = modalVersionProblem("modal client version: 1.2.4");
        QVERIFY2(old.find("1.2.4 is too old") != std::string::npos, old.c_str());
        QVERIFY2(old.find("pip install -U 'modal>=1.4.2'") != std::string::npos, old.c_str());
        QVERIFY2(old.find("kernel_rl") != std::string::npos, old.c_str());
        QVERIFY(!modalVersionProblem("1.4.1").empty());
        QVERIFY(!modalVersionProblem("no digits").empty());
        const auto v = parseModalVersion("modal 1.4.2.dev3");
        QVERIFY(v && v->major == 1 && v->minor == 4 && v->patch == 2);
        QVERIFY(!parseModalVersion("py3.11-x").has_value() || parseModalVersion("py3.11-x")->minor == 11);
    }

    void usageErrorBlamesKernelwatch()
    {
        // click's words when a command does not take an option (what `modal container logs
        // --show-container-id` printed).
        const std::string err = "Usage: modal container logs [OPTIONS] CONTAINER_ID\n"
                                "Try 'modal container logs -h' for help.\n"
                                "\xe2\x95\xad\xe2\x94\x80 Error \xe2\x94\x80\xe2\x95\xae\n"
                                "\xe2\x94\x82 No such option: --show-container-id \xe2\x94\x82\n";
        const auto d = classifyModalOutput(err, 2);
        QCOMPARE(d.cause, ModalCause::UsageError);
        QVERIFY2(d.summary.find("kernelwatch passed an option") != std::string::npos, d.summary.c_str());
        QVERIFY2(d.fix.find("pip install") == std::string::npos, d.fix.c_str());
    }

    void deployStages()
    {
        QCOMPARE(modalDeployStageOf("✓ Initialized. View run at https://x"), ModalDeployStage::Initializing);
        QCOMPARE(modalDeployStageOf("Building image im-1"), ModalDeployStage::BuildingImage);
        QCOMPARE(modalDeployStageOf("├── 🔨 Created mount /x"), ModalDeployStage::CreatingObjects);
        QCOMPARE(modalDeployStageOf("✓ App deployed in 1.0s! 🎉"), ModalDeployStage::Deployed);
        QCOMPARE(modalDeployStageOf("╭─ Error ───╮"), ModalDeployStage::Failed);
        QCOMPARE(modalDeployStageOf("random"), ModalDeployStage::Unknown);
    }

    void tokenInfo_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("workspace");
        QTest::newRow("key: value") << "token_info.txt"
                                    << "ak-AbCdEfGh12345678IjKlMn"
                                    << "kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)";
        QTest::newRow("table") << "token_info_table.txt"
                               << "ak-ZyXwVuTs98765432"
                               << "kernel-lab";
    }
    void tokenInfo()
    {
        QFETCH(QString, file);
        QFETCH(QString, token);
        QFETCH(QString, workspace);
        auto p = parseModalTokenInfo(fixture(file.toStdString()));
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(QString::fromStdString(p.value.tokenId), token);
        QCOMPARE(QString::fromStdString(p.value.workspace), workspace);
        QVERIFY(!parseModalTokenInfo(fixture("errors/token_missing.txt")).ok());
    }

    void appHistory()
    {
        auto p = parseModalAppHistory(fixture("app_history.json"));
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(2));
        QCOMPARE(p.value[0].version, 3);
        QCOMPARE(p.value[0].client, std::string("1.5.2"));
        QCOMPARE(p.value[0].commitHash, std::string("1a2b3c4"));
        QVERIFY(p.value[1].rollback);
        QCOMPARE(p.value[1].version, 2);
        QCOMPARE(p.value[1].tag, std::string("stable"));
        auto legacy = parseModalAppHistory(R"([{"App version":"v9","Time deployed":"t","Deployed by":"x"}])");
        QCOMPARE(legacy.value[0].version, 9);
        QCOMPARE(legacy.value[0].deployedBy, std::string("x"));
    }

    void errorBox()
    {
        QCOMPARE(extractModalErrorBox(fixture("errors/app_not_found.txt")),
                 std::string("No App with name 'nope' found in the 'dev' environment."));
        const std::string tm = extractModalErrorBox(fixture("errors/token_missing.txt"));
        QVERIFY(tm.rfind("Token missing. Could not authenticate client.", 0) == 0);
        QVERIFY(tm.find("modal token new") != std::string::npos); // wrapped lines joined
        QCOMPARE(extractModalErrorBox("Error: plain form\n"), std::string("plain form"));
        QVERIFY(extractModalErrorBox("nothing").empty());
    }

    void classifier_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("cause");
        QTest::addColumn<QString>("fixNeedle");
        QTest::newRow("token missing")
            << "errors/token_missing.txt" << 1 << int(ModalCause::TokenMissing) << "modal token new";
        QTest::newRow("token invalid")
            << "errors/token_invalid.txt" << 1 << int(ModalCause::TokenInvalid) << "MODAL_TOKEN_ID";
        QTest::newRow("app not found") << "errors/app_not_found.txt" << 1 << int(ModalCause::AppNotFound)
                                       << "kernelwatch-cli modal deploy";
        QTest::newRow("lookup failed") << "errors/lookup_failed.txt" << 1 << int(ModalCause::AppNotDeployed)
                                       << "kernelwatch-cli modal deploy";
        QTest::newRow("proxy 401") << "errors/proxy_401.txt" << 1 << int(ModalCause::EndpointUnauthorized)
                                   << "KERNELWATCH_PROXY_KEY";
        QTest::newRow("nvcc arch") << "errors/cuda_arch.txt" << 1 << int(ModalCause::CudaArchMismatch)
                                   << "TORCH_CUDA_ARCH_LIST";
        QTest::newRow("no kernel image")
            << "errors/no_kernel_image.txt" << 1 << int(ModalCause::CudaArchMismatch) << "gpu_arch";
        QTest::newRow("function timeout")
            << "errors/function_timeout.txt" << 1 << int(ModalCause::Timeout) << "--timeout";
        QTest::newRow("network") << "errors/network.txt" << 1 << int(ModalCause::Network) << "network";
        QTest::newRow("usage") << "errors/usage.txt" << 2 << int(ModalCause::UsageError)
                               << "pip install -U modal";
        QTest::newRow("cli missing") << "errors/cli_missing.txt" << 127 << int(ModalCause::CliNotInstalled)
                                     << "pip install modal";
        QTest::newRow("ok") << "app_list.json" << 0 << int(ModalCause::None) << "";
    }
    void classifier()
    {
        QFETCH(QString, file);
        QFETCH(int, exitCode);
        QFETCH(int, cause);
        QFETCH(QString, fixNeedle);
        auto d = classifyModalOutput(fixture(file.toStdString()), exitCode);
        QCOMPARE(int(d.cause), cause);
        QVERIFY2(d.fix.find(fixNeedle.toStdString()) != std::string::npos, d.fix.c_str());
        if (cause != int(ModalCause::None))
            QVERIFY(!d.detail.empty());
    }

    void classifierExitCodes()
    {
        QCOMPARE(classifyModalOutput("", kModalExitNotFound).cause, ModalCause::CliNotInstalled);
        QCOMPARE(classifyModalOutput("", kModalExitTimedOut).cause, ModalCause::Timeout);
        QCOMPARE(classifyModalOutput("boom", 1).cause, ModalCause::Unknown);
        QCOMPARE(classifyModalOutput("fine", 0).cause, ModalCause::None);
    }

    void httpClassifier()
    {
        QCOMPARE(classifyModalHttp(200, "").cause, ModalCause::None);
        QCOMPARE(classifyModalHttp(303, "").cause, ModalCause::None);
        auto a = classifyModalHttp(401, "modal-http: missing credentials for proxy authorization");
        QCOMPARE(a.cause, ModalCause::EndpointUnauthorized);
        QVERIFY(a.message().rfind("proxy auth rejected: set KERNELWATCH_PROXY_KEY/KERNELWATCH_PROXY_SECRET",
                                  0) == 0);
        auto n = classifyModalHttp(404, "modal-http: invalid function call");
        QVERIFY(n.message().rfind("endpoint not found: deploy the app (kernelwatch-cli modal deploy)", 0) ==
                0);
        QCOMPARE(classifyModalHttp(429, "").cause, ModalCause::RateLimited);
        QCOMPARE(classifyModalHttp(502, "").cause, ModalCause::ServerError);
        QCOMPARE(classifyModalHttp(504, "").cause, ModalCause::Timeout);
        QCOMPARE(classifyModalHttp(400, "bad").cause, ModalCause::Unknown);
    }

    void secretsRedacted()
    {
        const std::string s = redactModalSecrets(
            "token as-AbCdEfGh12345 and ws-ZZZZZZZZZZ9 and mysecretvalue", {"mysecretvalue"});
        QVERIFY(s.find("AbCdEfGh12345") == std::string::npos);
        QVERIFY(s.find("ZZZZZZZZZZ9") == std::string::npos);
        QVERIFY(s.find("mysecretvalue") == std::string::npos);
        QCOMPARE(redactModalSecrets("class-as-is"), std::string("class-as-is"));
        QCOMPARE(maskModalToken("wk-AbCdEfGhIj"), std::string("wk-AbCd\xe2\x80\xa6"));
        QCOMPARE(maskModalToken("short"), std::string("***"));
    }
};

QTEST_GUILESS_MAIN(TestModalParsers)
#include "tst_modal_parsers.moc"
