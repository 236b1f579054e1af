// modal deploy and serve output on recorded outputs (tests/fixtures/modal/): created objects,
// skipped deploys, tracebacks, stages.
#include "core/modal/ModalDeployOutput.h"
#include "core/modal/ModalErrorBox.h"
#include "core/modal/ModalErrorClassifier.h"
#include "tests/core/ModalFixtures.h"

#include <QTest>

using namespace kw;
using namespace kwtest;

class TestModalDeploy : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!modalFixturesPresent())
            QSKIP("the modal recordings are missing (tests/fixtures/modal; KW_TEST_FIXTURES)");
    }
    void deploySuccess_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<double>("seconds");
        QTest::newRow("1.5.4") << "1.5.4" << 0.132; // "✓ App deployed in 0.132s! 🎉"
        QTest::newRow("1.4.2") << "1.4.2" << 0.165;
    }
    void deploySuccess()
    {
        QFETCH(QString, version);
        QFETCH(double, seconds);
        const auto rec = recorded(version, "deploy");
        auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
        QVERIFY2(d.success, d.error.c_str());
        QVERIFY(!d.skipped);
        QCOMPARE(d.webFunctions.size(), std::size_t(1));
        QCOMPARE(d.webFunctions[0].name, std::string("evaluate_http"));
        QCOMPARE(d.webFunctions[0].url,
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        QVERIFY(d.webFunctions[0].proxyAuth); // the line ends with " 🔑"
        QCOMPARE(modalEndpointUrl(d), d.webFunctions[0].url);
        QVERIFY(d.deploySeconds && std::abs(*d.deploySeconds - seconds) < 1e-9);
        QCOMPARE(d.deploymentUrl,
                 std::string("https://modal.com/apps/kernel-lab/main/deployed/kernel-rl-evaluator"));
        QVERIFY(d.appPageUrl.empty()); // `modal deploy` prints no "View run at"
        const std::vector<std::string> objects = {
            "mount /work/wt-modalrec/resources/evaluator/modal_app.py",
            "mount /work/wt-modalrec/resources/evaluator/kernelwatch_eval",
            "web function evaluate_http => https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run",
            "function KernelEvaluator.*",
        };
        QCOMPARE(d.createdObjects, objects);
        QVERIFY(d.error.empty());
        // The named copy (1.5.4) reads the same.
        if (version == QStringLiteral("1.5.4"))
            QCOMPARE(parseModalDeployOutput(fixture("deploy_success.txt"), 0).createdObjects, objects);
        // "App deployed" text but a failing exit code is a failure.
        QVERIFY(!parseModalDeployOutput(rec.joined(), 1).success);
    }

    void deploySkipped_data() { bothVersions(); }
    void deploySkipped()
    {
        // A redeploy that changes nothing: "✓ Deployment skipped: no changes detected! ⏭️", exit 0.
        QFETCH(QString, version);
        const auto rec = recorded(version, "deploy_skipped");
        QCOMPARE(rec.exitCode, 0);
        const auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
        QVERIFY2(d.success, d.error.c_str());
        QVERIFY(d.skipped);
        QVERIFY(!d.deploySeconds);
        QCOMPARE(modalEndpointUrl(d),
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        QCOMPARE(d.deploymentUrl,
                 std::string("https://modal.com/apps/kernel-lab/main/deployed/kernel-rl-evaluator"));
        const auto skippedLine = linesOf(rec.out).at(linesOf(rec.out).size() - 3);
        QCOMPARE(modalDeployStageOf(skippedLine), ModalDeployStage::Deployed);
        QVERIFY(!parseModalDeployOutput(rec.joined(), 1).success);
    }

    void deployTracebackPanel_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("exception");
        QTest::addColumn<QString>("frame");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s raises", v) << v << "deploy_raises"
                                          << "ValueError: unknown GPU type 'V100': "
                                          << "modal_app.py:98 in deploy_settings";
            QTest::addRow("%s missing file", v) << v << "deploy_missing_file"
                                                << "FileNotFoundError: [Errno 2] No such file or directory: "
                                                << "in import_file_or_module";
        }
    }
    void deployTracebackPanel()
    {
        // An exception in the app file: rich's "Traceback (most recent call last)" panel on
        // stderr, then the exception line, exit 1. The exception is the error, the panel the detail.
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(QString, exception);
        QFETCH(QString, frame);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 1);
        const std::string last = lastNonEmptyLine(rec.err); // the line after the panel
        QVERIFY(last.rfind(exception.toStdString(), 0) == 0);
        const auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
        QVERIFY(!d.success);
        QCOMPARE(d.error, last);
        QVERIFY2(d.errorDetail.find(frame.toStdString()) != std::string::npos, d.errorDetail.c_str());
        for (const auto& l : linesOf(d.errorDetail)) { // borders removed (│ inside is rich's indent guide)
            QVERIFY2(l.rfind("\xe2\x94\x82", 0) != 0, l.c_str());
            QVERIFY2(l.size() < 3 || l.substr(l.size() - 3) != "\xe2\x94\x82", l.c_str());
        }
        QVERIFY(d.errorDetail.find("Traceback") == std::string::npos);
        QCOMPARE(lastTracebackLine(rec.err), last);
        const auto diag = classifyModalOutput(rec.joined(), rec.exitCode);
        QCOMPARE(diag.detail, last);
        QCOMPARE(modalDeployStageOf(linesOf(rec.err).at(0)), ModalDeployStage::Failed);
    }

    void deployFailures()
    {
        // The named copies: deploy_traceback.txt is 1.5.4's deploy_raises, deploy_cuda.txt its
        // deploy_image_build_failed (stdout, blank line, stderr).
        auto tb = parseModalDeployOutput(fixture("deploy_traceback.txt"), 1);
        QVERIFY(!tb.success);
        QVERIFY2(tb.error.rfind("ValueError: unknown GPU type 'V100'", 0) == 0, tb.error.c_str());
        auto cuda = parseModalDeployOutput(fixture("deploy_cuda.txt"), 1);
        QVERIFY(!cuda.success);
        QVERIFY2(cuda.error.rfind("Image build for im-1 failed.", 0) == 0, cuda.error.c_str());
        QCOMPARE(classifyModalOutput(fixture("deploy_cuda.txt"), 1).cause, ModalCause::CudaArchMismatch);
        for (const char* v : {"1.5.4", "1.4.2"}) {
            const auto rec = recorded(v, "deploy_image_build_failed");
            const auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
            QVERIFY(!d.success);
            QVERIFY2(d.error.rfind("Image build for im-1 failed.", 0) == 0, d.error.c_str());
            QVERIFY(d.errorDetail.empty());
        }
        QVERIFY(!parseModalDeployOutput("", -1).success);
    }

    void serveOutput_data() { bothVersions(); }
    void serveOutput()
    {
        QFETCH(QString, version);
        const auto rec = recorded(version, "serve");
        const auto d = parseModalDeployOutput(rec.joined(), -1);
        QCOMPARE(modalEndpointUrl(d),
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http-dev.modal.run"));
        QCOMPARE(d.appPageUrl, std::string("https://modal.com/apps/kernel-lab/main/ap-1"));
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
};

QTEST_GUILESS_MAIN(TestModalDeploy)
#include "tst_modal_deploy.moc"
