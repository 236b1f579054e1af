// TroubleshootPanel against the fake `modal`: the checks run off the UI thread and each is
// listed with pass/fail and its fix.
#include "app/AppContext.h"
#include "deployment/TroubleshootPanel.h"

#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace kw::ui;

namespace {
const QByteArray kTestsDir = QByteArray(__FILE__).left(QByteArray(__FILE__).lastIndexOf("/ui/"));

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
        qputenv("KERNELWATCH_MODAL_BIN", kTestsDir + "/doubles/bin/modal");
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qunsetenv("KERNELWATCH_MODAL_ENDPOINT");
        AppContext::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        o.historyPath = m_dir.filePath(QStringLiteral("history.sqlite"));
        o.startServices = false;
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
};

QTEST_MAIN(TestTroubleshoot)
#include "tst_troubleshoot.moc"
