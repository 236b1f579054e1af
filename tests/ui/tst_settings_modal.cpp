// The GUI's Modal wiring: the "modal" target built from Settings (its unavailable reason is
// ModalConfig::validate()'s message until an endpoint is set; then it evaluates against the
// endpoint double and its description never shows the secret), the Modal settings round trip,
// Settings › Modal (deployed-timeout warning from modal.json, proxy env note), the training
// YAML editor (only the changed bytes written, a .bak kept, bad values refused in words) and
// Deployment's Serve (dev) against the fake `modal`.
#include "core/base/AtomicFile.h"
#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"
#include "tests/ChildProcesses.h"
#include "tests/TestPaths.h"
#include "tests/doubles/EndpointDouble.h"
#include "ui/base/Settings.h"
#include "ui/deployment/DeploymentPanel.h"
#include "ui/services/AppContext.h"
#include "ui/services/EvalService.h"
#include "ui/settings/ModalSettingsForm.h"
#include "ui/settings/PathField.h"
#include "ui/settings/SettingsBridge.h"
#include "ui/settings/SettingsPanel.h"
#include "ui/settings/TrainingConfigEditor.h"
#include "ui/shell/StatusSummary.h"

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace kw;
using namespace kw::ui;

namespace {

QByteArray testsDir()
{
    return QByteArray::fromStdString(kwtest::testsPath());
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

// Processes of the fake `modal` running `serve` (their command lines name both).
int fakeServeProcesses()
{
    int n = 0;
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& pid : pids) {
        QByteArray cmd = readAll(QStringLiteral("/proc/%1/cmdline").arg(pid));
        cmd.replace('\0', ' ');
        if (cmd.contains("doubles/bin/modal") && cmd.contains(" serve "))
            ++n;
    }
    return n;
}

} // namespace

class TestSettingsModal : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_contexts = 0;

    std::unique_ptr<AppContext> makeContext()
    {
        AppContext::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_contexts));
        o.historyPath = m_dir.filePath(QStringLiteral("history.sqlite"));
        o.startServices = false;
        return std::make_unique<AppContext>(o);
    }

    QString configDir() const { return m_dir.filePath(QStringLiteral("config/kernelwatch")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("KERNELWATCH_MODAL_BIN", testsDir() + "/doubles/bin/modal");
        qputenv("KERNELWATCH_EVALUATOR_DIR", testsDir() + "/../resources/evaluator");
        for (const char* v : {"KERNELWATCH_MODAL_ENDPOINT", "KERNELWATCH_MODAL_GPU", "KERNELWATCH_PROXY_KEY",
                              "KERNELWATCH_PROXY_SECRET", "FAKE_MODAL_SCENARIO", "FAKE_MODAL_FOLLOW"})
            qunsetenv(v);
    }

    void init() { QFile::remove(QString::fromStdString(modalSettingsPath())); }

    void noEndpointMeansTheValidateMessage()
    {
        auto ctx = makeContext();
        const std::string expected = ModalConfig::fromEnvironment().validate();
        QVERIFY(!expected.empty());
        const QString why = ctx->evals()->unavailableReason(QStringLiteral("modal"));
        QVERIFY2(why.contains(QString::fromStdString(expected)), qPrintable(why));
        QCOMPARE(why, AppContext::modalUnavailableReason(expected));
        QVERIFY(!why.contains(QStringLiteral("not wired up")));
        QVERIFY(why.contains(QStringLiteral("Settings")));

        // Settings › Modal says the same.
        SettingsPanel panel(*ctx);
        QVERIFY(panel.modalForm());
        QVERIFY2(panel.modalForm()->statusText().contains(QString::fromStdString(expected)),
                 qPrintable(panel.modalForm()->statusText()));

        // A half proxy token is refused with validate()'s words too.
        ctx->settings().setModalEndpoint(
            QStringLiteral("https://ws--kernel-rl-evaluator-evaluate-http.modal.run"));
        ctx->settings().setModalProxyKey(QStringLiteral("wk-only-the-key"));
        const std::string half = ctx->settings().modalConfig().validate();
        QVERIFY(!half.empty());
        QCOMPARE(ctx->evals()->unavailableReason(QStringLiteral("modal")),
                 AppContext::modalUnavailableReason(half));
    }

    void statusBarSaysWhenTheProxyTokenIsMissing()
    {
        auto ctx = makeContext();
        StatusSummary statusBar(*ctx);
        ctx->settings().setModalEndpoint(
            QStringLiteral("https://ws--kernel-rl-evaluator-evaluate-http.modal.run"));
        // Usable as far as validate() goes, but the endpoint would answer 401: not "ready".
        QTRY_COMPARE(statusBar.modalText(), QStringLiteral("Modal: proxy token missing"));
        QVERIFY(!statusBar.modalText().contains(QStringLiteral("ready")));
        ctx->settings().setModalProxyKey(QStringLiteral("wk-abc"));
        ctx->settings().setModalProxySecret(QStringLiteral("ws-def"));
        QTRY_VERIFY(statusBar.modalText().endsWith(QStringLiteral("ready")));
    }

    void filledSettingsMakeModalEvaluate()
    {
        kwtest::EndpointDouble dbl;
        if (!dbl.ok())
            QSKIP("the endpoint double (python3) did not start");
        auto ctx = makeContext();
        Settings& s = ctx->settings();
        StatusSummary statusBar(*ctx);
        QVERIFY2(statusBar.modalText() == QStringLiteral("Modal: not set up"),
                 qPrintable(statusBar.modalText()));
        QSignalSpy changed(&s, &Settings::modalConfigChanged);
        s.setModalEndpoint(QString::fromStdString(dbl.url("/ok")));
        s.setModalGpuType(QStringLiteral("L4"));
        s.setModalProxyKey(QString::fromUtf8(kwtest::EndpointDouble::kKey));
        s.setModalProxySecret(QString::fromUtf8(kwtest::EndpointDouble::kSecret));
        QCOMPARE(changed.count(), 4);

        EvalService* evals = ctx->evals();
        QCOMPARE(evals->unavailableReason(QStringLiteral("modal")), QString());
        const QString desc = evals->targetDescription(QStringLiteral("modal"));
        QVERIFY2(desc.contains(QString::fromStdString(dbl.url("/ok"))), qPrintable(desc));
        QVERIFY(desc.contains(QStringLiteral("L4")));
        QVERIFY2(!desc.contains(QString::fromUtf8(kwtest::EndpointDouble::kSecret)), qPrintable(desc));
        QTRY_COMPARE(statusBar.modalText(), QStringLiteral("Modal: L4 ready"));

        SettingsPanel panel(*ctx);
        const QString status = panel.modalForm()->statusText();
        QVERIFY2(status.startsWith(QStringLiteral("✓")), qPrintable(status));
        QVERIFY(!status.contains(QString::fromUtf8(kwtest::EndpointDouble::kSecret)));
        QVERIFY(panel.modalForm()->envNote().isEmpty());
        QCOMPARE(panel.modalForm()->proxySecretField()->echoMode(), QLineEdit::Password);

        // One evaluation through the GUI's service reaches the double and comes back.
        QSignalSpy finished(evals, &EvalService::finished);
        EvalRequest r;
        r.target = "modal";
        r.refCode = "class Model: pass\n";
        r.kernelCode = "class ModelNew: pass\n";
        r.timeoutS = 30;
        evals->submit(r);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        const auto result = finished.at(0).at(0).value<EvalResult>();
        QVERIFY2(result.status == EvalStatus::Correct, result.errorMessage.c_str());
        QVERIFY(result.device.target.find("modal:") == 0);

        // The environment's proxy token wins, and the form says so.
        qputenv("KERNELWATCH_PROXY_KEY", "wk-from-env");
        qputenv("KERNELWATCH_PROXY_SECRET", "ws-from-env");
        QCOMPARE(s.modalConfig().proxyKey, std::string("wk-from-env"));
        panel.modalForm()->refresh();
        QVERIFY(panel.modalForm()->envNote().contains(QStringLiteral("KERNELWATCH_PROXY_KEY")));
        qunsetenv("KERNELWATCH_PROXY_KEY");
        qunsetenv("KERNELWATCH_PROXY_SECRET");
        QCOMPARE(s.modalConfig().proxySecret, std::string(kwtest::EndpointDouble::kSecret));
    }

    void modalSettingsRoundTrip()
    {
        const QString ini = m_dir.filePath(QStringLiteral("roundtrip.ini"));
        {
            Settings s(ini);
            QCOMPARE(s.modalEndpoint(), QString());
            QCOMPARE(s.modalTimeoutS(), Settings::kDefaultModalTimeoutS);
            QSignalSpy changed(&s, &Settings::modalConfigChanged);
            s.setModalEndpoint(QStringLiteral(" https://ws--kernel-rl-evaluator-evaluate-http.modal.run "));
            s.setModalGpuType(QStringLiteral("A100-80GB"));
            s.setModalTimeoutS(900);
            s.setModalProxyKey(QStringLiteral("wk-abc"));
            s.setModalProxySecret(QStringLiteral("ws-def"));
            s.setModalCliPath(QStringLiteral("/opt/modal/bin/modal"));
            s.setTrainingYamlPath(QStringLiteral("/tmp/rl_kernelbench.yaml"));
            QCOMPARE(changed.count(), 7);
            s.setModalTimeoutS(900); // unchanged: no signal
            QCOMPARE(changed.count(), 7);
            s.sync();
        }
        Settings s(ini);
        QCOMPARE(s.modalEndpoint(),
                 QStringLiteral("https://ws--kernel-rl-evaluator-evaluate-http.modal.run"));
        QCOMPARE(s.modalGpuType(), QStringLiteral("A100-80GB"));
        QCOMPARE(s.modalTimeoutS(), 900);
        QCOMPARE(s.modalProxyKey(), QStringLiteral("wk-abc"));
        QCOMPARE(s.modalProxySecret(), QStringLiteral("ws-def"));
        QCOMPARE(s.modalCliPath(), QStringLiteral("/opt/modal/bin/modal"));
        QCOMPARE(s.trainingYamlPath(), QStringLiteral("/tmp/rl_kernelbench.yaml"));
        // KERNELWATCH_MODAL_BIN (set for this suite) wins over the path set here: one precedence.
        QCOMPARE(QString::fromStdString(s.modalCliOptions().program),
                 qEnvironmentVariable("KERNELWATCH_MODAL_BIN"));
        const QByteArray modalBin = qgetenv("KERNELWATCH_MODAL_BIN");
        qunsetenv("KERNELWATCH_MODAL_BIN");
        QCOMPARE(QString::fromStdString(s.modalCliOptions().program), QStringLiteral("/opt/modal/bin/modal"));
        qputenv("KERNELWATCH_MODAL_BIN", modalBin);
        const ModalConfig c = s.modalConfig();
        QCOMPARE(c.gpuType, std::string("A100-80GB"));
        QCOMPARE(c.proxyKey, std::string("wk-abc"));
        QVERIFY(c.describe().find("ws-def") == std::string::npos);
        s.setModalTimeoutS(5);
        QCOMPARE(s.modalTimeoutS(), Settings::kMinModalTimeoutS);
        s.setModalTimeoutS(1000000);
        QCOMPARE(s.modalTimeoutS(), Settings::kMaxModalTimeoutS);
    }

    void trainingYamlEditWritesOnlyTheChangedBytes()
    {
        const QString path = m_dir.filePath(QStringLiteral("rl_kernelbench.yaml"));
        const QByteArray original =
            readAll(QString::fromStdString(kwtest::fixturesPath() + "/yaml/rl_kernelbench.yaml"));
        QVERIFY(original.contains("modal_timeout: 300 "));
        QVERIFY(writeAll(path, original));
        QFile::remove(path + QStringLiteral(".bak"));

        auto ctx = makeContext();
        ctx->settings().setTrainingYamlPath(path);
        SettingsPanel panel(*ctx);
        TrainingConfigEditor* editor = panel.modalForm()->training();
        QCOMPARE(editor->path(), path);
        QVERIFY(editor->currentValue(QStringLiteral("use_modal")) ==
                std::optional<QString>(QStringLiteral("false")));
        QVERIFY(editor->currentValue(QStringLiteral("modal_gpu_type")) ==
                std::optional<QString>(QStringLiteral("H100")));
        QVERIFY(editor->currentValue(QStringLiteral("modal_timeout")) ==
                std::optional<QString>(QStringLiteral("300")));
        QCOMPARE(editor->timeoutField()->text(), QStringLiteral("300"));
        QCOMPARE(editor->gpuField()->currentText(), QStringLiteral("H100"));
        QCOMPARE(editor->useModalField()->currentData().toString(), QStringLiteral("false"));

        // A bad timeout is refused in words; the file is untouched.
        editor->timeoutField()->setText(QStringLiteral("5"));
        QVERIFY(!editor->save());
        QVERIFY2(
            editor->errorText().contains(QStringLiteral("modal_timeout must be seconds from 10 to 86400")),
            qPrintable(editor->errorText()));
        QCOMPARE(readAll(path), original);
        editor->timeoutField()->setText(QStringLiteral("ten minutes"));
        QVERIFY(!editor->save());
        QVERIFY(editor->errorText().contains(QStringLiteral("ten minutes")));
        editor->gpuField()->setCurrentText(QStringLiteral("H300"));
        QVERIFY(!editor->save());
        QCOMPARE(readAll(path), original);

        // Valid values: only their bytes change, the old file is kept as .bak.
        QSignalSpy saved(editor, &TrainingConfigEditor::saved);
        editor->timeoutField()->setText(QStringLiteral("600"));
        editor->gpuField()->setCurrentText(QStringLiteral("a100-80gb"));
        editor->useModalField()->setCurrentIndex(editor->useModalField()->findData(QStringLiteral("true")));
        QVERIFY(editor->save());
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 10000);
        QCOMPARE(saved.at(0).at(0).toBool(), true);
        QVERIFY2(editor->errorText().isEmpty(), qPrintable(editor->errorText()));
        QByteArray expected = original;
        expected.replace("use_modal: false            #", "use_modal: true            #");
        expected.replace("modal_gpu_type: \"H100\"      #", "modal_gpu_type: \"A100-80GB\"      #");
        expected.replace("modal_timeout: 300          #", "modal_timeout: 600          #");
        QVERIFY(expected != original);
        QCOMPARE(readAll(path), expected);
        QCOMPARE(readAll(path + QStringLiteral(".bak")), original);
        QVERIFY(editor->currentValue(QStringLiteral("modal_timeout")) ==
                std::optional<QString>(QStringLiteral("600")));
        QVERIFY(editor->statusText().contains(QStringLiteral(".bak")));

        // Saving the same values again writes nothing.
        QVERIFY(editor->save());
        QVERIFY(editor->statusText().startsWith(QStringLiteral("No change")));
        QCOMPARE(saved.count(), 1);

        // Invalid YAML is reported, not edited.
        const QString broken = m_dir.filePath(QStringLiteral("broken.yaml"));
        QVERIFY(writeAll(broken, "dataset_builder:\n  use_modal: [true\n"));
        editor->load(broken);
        QVERIFY(!editor->errorText().isEmpty());
        QVERIFY(!editor->save());
        QCOMPARE(readAll(broken), QByteArray("dataset_builder:\n  use_modal: [true\n"));
    }

    void timeoutWarningFollowsTheDeployedTimeout()
    {
        auto ctx = makeContext();
        SettingsPanel panel(*ctx);
        ModalSettingsForm* form = panel.modalForm();
        QVERIFY(!ModalSettingsForm::deployedTimeoutS());
        form->timeoutField()->setValue(900);
        QCOMPARE(ctx->settings().modalTimeoutS(), 900);
        QCOMPARE(form->timeoutWarning(), QString()); // nothing deployed yet

        QVERIFY(saveModalEndpoint("https://ws--kernel-rl-evaluator-evaluate-http.modal.run", "H100", 300));
        QVERIFY(ModalSettingsForm::deployedTimeoutS() == std::optional<int>(300));
        form->refresh();
        QVERIFY2(form->timeoutWarning().contains(QStringLiteral("redeploy needed")),
                 qPrintable(form->timeoutWarning()));
        QVERIFY(form->timeoutWarning().contains(QStringLiteral("300 s")));
        form->timeoutField()->setValue(300);
        QCOMPARE(form->timeoutWarning(), QString());
        form->timeoutField()->setValue(301);
        QVERIFY(!form->timeoutWarning().isEmpty());

        // The saved endpoint makes the target usable and shows as the placeholder.
        QCOMPARE(ctx->settings().modalEndpoint(), QString());
        QVERIFY(form->endpointField()->placeholderText().contains(QStringLiteral("modal.run")));

        // Editing the form writes Settings, which rebuilds the Modal target.
        form->endpointField()->setText(QStringLiteral("not a url"));
        Q_EMIT form->endpointField()->editingFinished();
        QCOMPARE(ctx->settings().modalEndpoint(), QStringLiteral("not a url"));
        QVERIFY(
            ctx->evals()->unavailableReason(QStringLiteral("modal")).contains(QStringLiteral("http(s) URL")));
        form->gpuField()->setCurrentText(QStringLiteral("H300"));
        QVERIFY(!form->gpuError().isEmpty());
        form->gpuField()->setCurrentText(QStringLiteral("h100!"));
        QCOMPARE(form->gpuError(), QString());
        QCOMPARE(ctx->settings().modalGpuType(), QStringLiteral("H100!"));
    }

    void serveDevStreamsShowsTheUrlAndStops()
    {
        auto ctx = makeContext();
        {
            DeploymentPanel panel(*ctx);
            auto* serve = panel.findChild<QPushButton*>(QStringLiteral("serveButton"));
            QVERIFY(serve);
            serve->click();
            QVERIFY(panel.serving());
            QTRY_VERIFY_WITH_TIMEOUT(!panel.serveUrl().isEmpty(), 20000);
            QVERIFY2(panel.serveUrl().contains(QStringLiteral("-dev.modal.run")),
                     qPrintable(panel.serveUrl()));
            QVERIFY(panel.deployOutput().contains(QStringLiteral("$ modal serve")));
            auto* url = panel.findChild<QLineEdit*>(QStringLiteral("serveUrl"));
            QVERIFY(url);
            QCOMPARE(url->text(), panel.serveUrl());
            auto* deploy = panel.findChild<QPushButton*>(QStringLiteral("deployButton"));
            QVERIFY(!deploy->isEnabled());
            serve->click(); // second click stops it
            QTRY_VERIFY_WITH_TIMEOUT(!panel.serving(), 20000);
            QVERIFY(panel.serveUrl().isEmpty());
            QVERIFY(deploy->isEnabled());
            QVERIFY2(panel.stageText().contains(QStringLiteral("stopped")), qPrintable(panel.stageText()));
        }
        QTRY_COMPARE_WITH_TIMEOUT(fakeServeProcesses(), 0, 10000);

        // Destroying the panel stops a running dev app.
        {
            auto panel = std::make_unique<DeploymentPanel>(*ctx);
            panel->serve();
            QTRY_VERIFY_WITH_TIMEOUT(!panel->serveUrl().isEmpty(), 20000);
            QCOMPARE(fakeServeProcesses(), 1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(fakeServeProcesses(), 0, 10000);
    }

    // The Python probe waits up to 60 s per interpreter (a first `import torch` can be slow);
    // closing Settings kills it instead of waiting. The interpreter here never answers.
    void closingKillsAHangingPythonProbe()
    {
        const QString python = m_dir.filePath(QStringLiteral("hanging-python"));
        QFile f(python);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\nexec sleep 3600\n");
        f.close();
        QVERIFY(f.setPermissions(f.permissions() | QFileDevice::ExeOwner));
        auto* bridge = new SettingsBridge;
        bridge->testPython(python);
        QTRY_VERIFY_WITH_TIMEOUT(!childProcesses("sleep 3600").isEmpty(), 10000);
        QVERIFY(bridge->testingPython());
        QElapsedTimer t;
        t.start();
        delete bridge;
        const qint64 ms = t.elapsed();
        qInfo("the bridge went in %lld ms", ms);
        QVERIFY2(ms < 2000, qPrintable(QStringLiteral("closing took %1 ms").arg(ms)));
        QVERIFY(childProcesses("sleep 3600").isEmpty());
    }
};

QTEST_MAIN(TestSettingsModal)
#include "tst_settings_modal.moc"
