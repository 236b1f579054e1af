// modal's failures on recorded outputs (tests/fixtures/modal/): client versions, usage errors,
// the error box, the error classifier (output, exit codes, HTTP), secrets redaction.
#include "core/modal/ModalErrorBox.h"
#include "core/modal/ModalErrorClassifier.h"
#include "core/modal/ModalSecrets.h"
#include "core/modal/ModalVersion.h"
#include "tests/core/ModalFixtures.h"

#include <QTest>

using namespace kw;
using namespace kwtest;

class TestModalErrors : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!modalFixturesPresent())
            QSKIP("the modal recordings are missing (tests/fixtures/modal; KW_TEST_FIXTURES)");
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

    void usageErrors_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("kernelwatchsMistake");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s unknown command", v) << v << "usage_unknown_command"
                                                   << "No such command 'frobnicate'." << false;
            QTest::addRow("%s container logs --show-container-id", v)
                << v << "container_logs_show_container_id"
                << "No such option: --show-container-id" << true;
        }
        QTest::newRow("1.5.4 app history without a name") << "1.5.4"
                                                          << "app_history_missing_arg"
                                                          << "Missing argument 'APP_IDENTIFIER'." << false;
    }
    void usageErrors()
    {
        // click's usage errors, exit 2: 1.5.4 plain ("Error: …" after "Usage:" and "Try …"),
        // 1.4.2 in an "Error" box as wide as COLUMNS.
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(QString, message);
        QFETCH(bool, kernelwatchsMistake);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 2);
        QVERIFY(rec.err.rfind("Usage: modal ", 0) == 0);
        const bool boxed = rec.err.find("\xe2\x95\xad\xe2\x94\x80 Error ") != std::string::npos;
        QCOMPARE(boxed, version == QStringLiteral("1.4.2"));
        QCOMPARE(extractModalErrorBox(rec.err), message.toStdString());
        const auto d = classifyModalOutput(rec.joined(), rec.exitCode);
        QCOMPARE(d.cause, ModalCause::UsageError);
        QCOMPARE(d.detail, message.toStdString());
        QCOMPARE(d.summary.find("kernelwatch passed an option this modal command does not take") == 0,
                 kernelwatchsMistake);
        QCOMPARE(d.fix.find("pip install") == std::string::npos, kernelwatchsMistake);
    }

    void appLogsWithoutANamePrintsHelp_data() { bothVersions(); }
    void appLogsWithoutANamePrintsHelp()
    {
        // Why ModalCli never runs `modal app logs` without a name: help on stdout, exit 0.
        QFETCH(QString, version);
        const auto rec = recorded(version, "app_logs_missing_arg");
        QCOMPARE(rec.exitCode, 0);
        QVERIFY(rec.out.find("Usage: modal app logs [OPTIONS]") != std::string::npos);
        QCOMPARE(classifyModalOutput(rec.joined(), rec.exitCode).cause, ModalCause::None);
    }

    void recordedFailures_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("cause");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s network", v) << v << "network" << int(ModalCause::Network);
            QTest::addRow("%s network token info", v)
                << v << "network_token_info" << int(ModalCause::Network);
            QTest::addRow("%s token missing", v) << v << "token_missing" << int(ModalCause::TokenMissing);
            QTest::addRow("%s token invalid", v) << v << "token_invalid" << int(ModalCause::TokenInvalid);
            QTest::addRow("%s app not found", v)
                << v << "app_logs_not_found_env" << int(ModalCause::AppNotFound);
            QTest::addRow("%s history not found", v)
                << v << "app_history_not_found" << int(ModalCause::AppNotFound);
            QTest::addRow("%s stop not found", v)
                << v << "app_stop_not_found" << int(ModalCause::AppNotFound);
        }
    }
    void recordedFailures()
    {
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(int, cause);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 1);
        const auto d = classifyModalOutput(rec.joined(), rec.exitCode);
        QCOMPARE(int(d.cause), cause);
        QVERIFY(!d.detail.empty());
        QVERIFY(d.detail.find("\xe2\x94\x82") == std::string::npos);
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
                                     << "pipx install 'modal>=1.4.2'";
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

QTEST_GUILESS_MAIN(TestModalErrors)
#include "tst_modal_errors.moc"
