// TroubleshootPanel against the fake `modal`: the checks run off the UI thread and each is
// listed with pass/fail and its fix.
#include "tests/ChildProcesses.h"
#include "tests/EnvGuard.h"
#include "tests/TestPaths.h"
#include "tests/doubles/EndpointDouble.h"
#include "tests/ui/UiTestUtils.h"
#include "ui/base/Settings.h"
#include "ui/deployment/TroubleshootPanel.h"
#include "ui/services/AppContext.h"

#include <QElapsedTimer>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace kw::ui;

namespace {
QByteArray testsDir()
{
    return QByteArray::fromStdString(kwtest::testsPath());
}

QTreeWidgetItem* itemFor(QTreeWidget* list, const QString& id)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->data(0, Qt::UserRole).toString() == id)
            return list->topLevelItem(i);
    return nullptr;
}
} // namespace

class TestTroubleshoot : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_ctx;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("KERNELWATCH_MODAL_BIN", testsDir() + "/doubles/bin/modal");
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qunsetenv("KERNELWATCH_MODAL_ENDPOINT");
        const AppContext::Options o = test::quietContext(m_dir);
        m_ctx = std::make_unique<AppContext>(o);
    }

    void failingTokenCheckShowsFix()
    {
        qputenv("FAKE_MODAL_SCENARIO", "token_invalid");
        TroubleshootPanel panel(*m_ctx);
        auto* run = panel.findChild<QPushButton*>(QStringLiteral("runChecks"));
        QVERIFY(run);
        run->click();
        QVERIFY(panel.running());
        QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
        QTreeWidgetItem* cli = itemFor(panel.list(), QStringLiteral("cli"));
        QVERIFY(cli);
        QVERIFY(cli->text(0).contains(QStringLiteral("pass")));
        QTreeWidgetItem* token = itemFor(panel.list(), QStringLiteral("token"));
        QVERIFY(token);
        QVERIFY(token->text(0).contains(QStringLiteral("fail")));
        QVERIFY2(token->text(3).contains(QStringLiteral("modal token new")), qPrintable(token->text(3)));
    }

    // Opening the panel (the first time) runs the checks without a click; later visits keep them.
    void runsByItselfWhenFirstShown()
    {
        qputenv("FAKE_MODAL_SCENARIO", "ok");
        QTemporaryDir dir;
        AppContext::Options o;
        o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
        o.historyPath = dir.filePath(QStringLiteral("history.sqlite"));
        AppContext ctx(o); // services started, as in the app
        TroubleshootPanel panel(ctx);
        QCOMPARE(panel.list()->topLevelItemCount(), 0);
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(panel.running() || panel.list()->topLevelItemCount() > 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
        const int rows = panel.list()->topLevelItemCount();
        QVERIFY(rows >= 5);
        panel.hide();
        panel.show();
        QTest::qWait(50);
        QVERIFY(!panel.running());
        QCOMPARE(panel.list()->topLevelItemCount(), rows);
    }

    void passingTokenCheck()
    {
        qputenv("FAKE_MODAL_SCENARIO", "ok");
        TroubleshootPanel panel(*m_ctx);
        panel.runChecks();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
        QTreeWidgetItem* token = itemFor(panel.list(), QStringLiteral("token"));
        QVERIFY(token);
        QVERIFY(token->text(0).contains(QStringLiteral("pass")));
        QVERIFY(token->text(3).isEmpty());
        QVERIFY(panel.list()->topLevelItemCount() >= 5);
    }

    void checksUseWhatSettingsHold()
    {
        kwtest::EndpointDouble dbl;
        if (!dbl.ok())
            QSKIP("the endpoint double (python3) did not start");
        EnvGuard env;
        env.set("FAKE_MODAL_SCENARIO", "ok");
        env.set("KERNELWATCH_MODAL_BIN", ""); // only Settings knows where `modal` is
        Settings& s = m_ctx->settings();
        s.setModalCliPath(QString::fromUtf8(testsDir() + "/doubles/bin/modal"));
        s.setModalEndpoint(QString::fromStdString(dbl.url("/ok")));
        s.setModalProxyKey(QString::fromUtf8(kwtest::EndpointDouble::kKey));
        s.setModalProxySecret(QString::fromUtf8(kwtest::EndpointDouble::kSecret));
        s.setModalGpuType(QStringLiteral("L4"));
        s.setModalTimeoutS(600); // the double's deployed maximum is 300 s

        TroubleshootPanel panel(*m_ctx);
        panel.runChecks();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
        QTreeWidgetItem* cli = itemFor(panel.list(), QStringLiteral("cli"));
        QVERIFY(cli);
        QVERIFY2(cli->text(0).contains(QStringLiteral("pass")), qPrintable(cli->text(2)));
        QTreeWidgetItem* ep = itemFor(panel.list(), QStringLiteral("endpoint"));
        QVERIFY(ep);
        QVERIFY2(ep->text(0).contains(QStringLiteral("pass")), qPrintable(ep->text(2)));
        QVERIFY(ep->text(2).contains(QString::fromStdString(dbl.url("/ok"))));
        QTreeWidgetItem* gpu = itemFor(panel.list(), QStringLiteral("gpu"));
        QVERIFY(gpu);
        QVERIFY2(gpu->text(2).startsWith(QStringLiteral("L4")), qPrintable(gpu->text(2)));
        QTreeWidgetItem* timeout = itemFor(panel.list(), QStringLiteral("timeout"));
        QVERIFY(timeout);
        QVERIFY2(timeout->text(0).contains(QStringLiteral("fail")), qPrintable(timeout->text(2)));
        QVERIFY2(timeout->text(3).contains(QStringLiteral("--timeout 600")), qPrintable(timeout->text(3)));
    }

    // Closing the panel while a check's `modal` command hangs (offline, the client retries ~57 s)
    // kills the command and returns at once.
    void closingDuringAHangingCheckDoesNotWait()
    {
        qputenv("FAKE_MODAL_SCENARIO", "hang");
        auto* panel = new TroubleshootPanel(*m_ctx);
        panel->runChecks();
        // `modal --version` answers, then `modal token info` hangs.
        QTRY_VERIFY_WITH_TIMEOUT(!childProcesses("modal token info").isEmpty(), 10000);
        QVERIFY(panel->running());
        QElapsedTimer t;
        t.start();
        delete panel;
        const qint64 ms = t.elapsed();
        qInfo("the panel went in %lld ms", ms);
        QVERIFY2(ms < 2000, qPrintable(QStringLiteral("closing took %1 ms").arg(ms)));
        QVERIFY(childProcesses("doubles/bin/modal").isEmpty());
        qputenv("FAKE_MODAL_SCENARIO", "ok");
    }
};

QTEST_MAIN(TestTroubleshoot)
#include "tst_troubleshoot.moc"
