#include "core/model/HistoryStore.h"
// DeploymentPanel and its models: keyed row merging under QAbstractItemModelTester, the log
// filter, and the panel against the fake `modal` (tests/doubles/bin/modal): apps, containers,
// auth failure with its fix, a deploy streaming its output and saving the endpoint URL, polls
// backing off while failing, followed logs.
#include "core/modal/ModalConfig.h"
#include "tests/ChildProcesses.h"
#include "tests/TestPaths.h"
#include "tests/ui/UiTestUtils.h"
#include "ui/deployment/DeploymentBridge.h"
#include "ui/deployment/DeploymentPanel.h"
#include "ui/models/AppListModel.h"
#include "ui/models/ContainerListModel.h"
#include "ui/models/LogFilterModel.h"
#include "ui/models/LogLineModel.h"
#include "ui/services/AppContext.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace kw;
using namespace kw::ui;

namespace {

QByteArray testsDir()
{
    return QByteArray::fromStdString(kwtest::testsPath());
}

ModalApp app(const std::string& id, const std::string& name, const std::string& state, int tasks)
{
    ModalApp a;
    a.appId = id;
    a.description = name;
    a.state = state;
    a.tasks = tasks;
    return a;
}

} // namespace

class TestDeployment : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_ctx;

    void scenario(const char* s) { qputenv("FAKE_MODAL_SCENARIO", s); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("KERNELWATCH_MODAL_BIN", testsDir() + "/doubles/bin/modal");
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("KERNELWATCH_EVALUATOR_DIR", testsDir() + "/../resources/evaluator");
        qunsetenv("KERNELWATCH_MODAL_ENDPOINT");
        qunsetenv("FAKE_MODAL_FOLLOW");
        const AppContext::Options o = test::quietContext(m_dir);
        m_ctx = std::make_unique<AppContext>(o);
    }

    void init() { scenario("ok"); }

    void keyedMergeIsRowByRow()
    {
        AppListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        QSignalSpy inserts(&m, &QAbstractItemModel::rowsInserted);
        QSignalSpy removes(&m, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changes(&m, &QAbstractItemModel::dataChanged);

        m.setApps({app("ap-a", "a", "deployed", 1), app("ap-b", "b", "stopped", 0),
                   app("ap-c", "c", "deployed", 2)});
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(inserts.count(), 3);
        inserts.clear();

        // Same rows: nothing emitted.
        m.setApps({app("ap-a", "a", "deployed", 1), app("ap-b", "b", "stopped", 0),
                   app("ap-c", "c", "deployed", 2)});
        QCOMPARE(inserts.count() + removes.count() + changes.count(), 0);

        // One changed, one removed, one added.
        m.setApps({app("ap-d", "d", "initializing...", 0), app("ap-a", "a", "deployed", 3),
                   app("ap-c", "c", "deployed", 2)});
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.keyAt(0), QStringLiteral("ap-d"));
        QCOMPARE(m.keyAt(1), QStringLiteral("ap-a"));
        QCOMPARE(m.keyAt(2), QStringLiteral("ap-c"));
        QCOMPARE(m.index(1, 2).data().toString(), QStringLiteral("3"));
        QCOMPARE(removes.count(), 1);
        QCOMPARE(inserts.count(), 1);
        QCOMPARE(changes.count(), 1);

        // Reordered and emptied.
        m.setApps({app("ap-c", "c", "deployed", 2), app("ap-d", "d", "deployed", 1)});
        QCOMPARE(m.keyAt(0), QStringLiteral("ap-c"));
        QCOMPARE(m.keyAt(1), QStringLiteral("ap-d"));
        m.setApps({});
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(resets.count(), 0);
    }

    void containerModel()
    {
        ContainerListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModalContainer c1{"ta-1", "ap-a", "kernel-rl-evaluator", "2026-08-21 09:40", false};
        ModalContainer c2{"ta-2", "ap-a", "kernel-rl-evaluator", "", true};
        m.setContainers({c1, c2});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(1, 2).data().toString(), QStringLiteral("Pending"));
        m.setContainers({c2});
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.rowOf(QStringLiteral("ta-2")), 0);
    }

    void logFilter()
    {
        LogLineModel logs(10);
        LogFilterModel filter;
        filter.setSourceModel(&logs);
        QAbstractItemModelTester t1(&logs, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 12; ++i) {
            ModalLogLine l;
            l.timestamp = "t" + std::to_string(i);
            l.containerId = i % 2 ? "ta-odd" : "ta-even";
            l.message = i == 11 ? "CUDA error" : "line " + std::to_string(i);
            logs.append(l);
        }
        QVERIFY(logs.rowCount() <= 10); // capped
        QCOMPARE(logs.containers().size(), 2);
        filter.setContainer(QStringLiteral("ta-odd"));
        for (int r = 0; r < filter.rowCount(); ++r)
            QCOMPARE(filter.index(r, 1).data().toString(), QStringLiteral("ta-odd"));
        filter.setSearch(QStringLiteral("cuda"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setContainer({});
        filter.setSearch({});
        QCOMPARE(filter.rowCount(), logs.rowCount());
    }

    void panelShowsAppsAndDeploys()
    {
        DeploymentPanel panel(*m_ctx);
        panel.resize(1200, 800);
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(panel.apps()->rowCount() > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.authText().contains(QStringLiteral("signed in")), 20000);
        // The workspace by its name: modal prints "Workspace: kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)".
        QVERIFY2(panel.authText().contains(QStringLiteral("workspace kernel-lab (token ")),
                 qPrintable(panel.authText()));
        QVERIFY(!panel.authText().contains(QStringLiteral("ac-9Xy8Wv7Ut6Sr5Qp4")));
        QVERIFY(panel.apps()->rowOf(QStringLiteral("ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG")) >= 0);
        const int row = panel.apps()->rowOf(QStringLiteral("ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG"));
        QCOMPARE(panel.apps()->index(row, 0).data().toString(), QStringLiteral("kernel-rl-evaluator"));
        QCOMPARE(panel.apps()->index(row, 1).data().toString(), QStringLiteral("deployed"));
        QCOMPARE(panel.apps()->rowCount(), 7); // 1.5.4's recorded list: one app per state it prints
        QTRY_VERIFY_WITH_TIMEOUT(panel.containers()->rowCount() > 0, 20000);
        QCOMPARE(panel.containers()->rowCount(), 2);
        const int pending = panel.containers()->rowOf(QStringLiteral("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QVERIFY(pending >= 0);
        QCOMPARE(panel.containers()->index(pending, 2).data().toString(), QStringLiteral("Pending"));

        auto* deploy = panel.findChild<QPushButton*>(QStringLiteral("deployButton"));
        QVERIFY(deploy);
        deploy->click();
        QVERIFY(panel.deploying());
        QTRY_VERIFY_WITH_TIMEOUT(!panel.deploying(), 30000);
        QVERIFY(panel.deployOutput().contains(QStringLiteral("App deployed")));
        // The recorded web function line ends with " 🔑" (proxy auth): not part of the URL.
        QCOMPARE(panel.endpointUrl(),
                 QStringLiteral("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        ModalConfig saved;
        QVERIFY(loadSavedModalEndpoint(saved));
        QCOMPARE(QString::fromStdString(saved.endpoint), panel.endpointUrl());
    }

    void followsLogsIntoTheHistory()
    {
        qputenv("FAKE_MODAL_FOLLOW", "6"); // the stream ends after 6 lines: followed again
        AppContext::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("follow.ini"));
        o.historyPath = m_dir.filePath(QStringLiteral("follow.sqlite"));
        AppContext ctx(o); // with its history store
        QTRY_VERIFY_WITH_TIMEOUT(ctx.store() != nullptr, 10000);
        DeploymentPanel panel(ctx);
        panel.setFollowing(true);
        QVERIFY(panel.following());
        QTRY_VERIFY_WITH_TIMEOUT(panel.logs()->rowCount() >= 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.followStatus().contains(QStringLiteral("reconnecting")), 20000);
        QVERIFY(panel.following()); // a stream that ends is reopened, not given up
        // Each reconnect replays the same entries (and backfills --since the last one): the view
        // shows each line once, however often it is replayed (it used to append them again).
        const int shown = panel.logs()->rowCount();
        QTest::qWait(3500);
        QCOMPARE(panel.logs()->rowCount(), shown);
        // The two KERNELWATCH_EVAL lines are stored once each, however often they are replayed.
        auto store = ctx.store();
        QTRY_VERIFY_WITH_TIMEOUT(store->contains("r1") && store->contains("r2"), 20000);
        HistoryQuery q;
        q.source = "modal";
        QCOMPARE(store->rows(q).size(), std::size_t(2));
        QVERIFY(panel.followStatus().contains(QStringLiteral("evaluation")) ||
                panel.followStatus().contains(QStringLiteral("reconnecting")) ||
                panel.followStatus().contains(QStringLiteral("Following")));
        panel.setFollowing(false);
        QVERIFY(!panel.following());
        qunsetenv("FAKE_MODAL_FOLLOW");
    }

    void stopContainerAsksAndTheOutcomeStays()
    {
        DeploymentPanel panel(*m_ctx);
        panel.resize(1200, 800);
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(panel.containers()->rowCount() > 0, 20000);
        // Ids share their prefix: both ends stay visible.
        QCOMPARE(panel.containerView()->textElideMode(), Qt::ElideMiddle);
        const QString id = panel.containers()->keyAt(0);
        panel.containerView()->selectRow(0);
        auto* stop = panel.findChild<QPushButton*>();
        for (auto* b : panel.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Stop container"))
                stop = b;
        QVERIFY(stop && stop->isEnabled());

        // Answers the question with the button whose role is `role`; counts the questions.
        int asked = 0;
        auto answer = [&asked](QMessageBox::ButtonRole role) {
            QTimer::singleShot(50, [&asked, role] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                QVERIFY(box && box->objectName() == QStringLiteral("stopContainerPrompt"));
                ++asked;
                for (QAbstractButton* b : box->buttons())
                    if (box->buttonRole(b) == role) {
                        b->click();
                        return;
                    }
            });
        };
        answer(QMessageBox::RejectRole);
        stop->click();
        QCOMPARE(asked, 1);
        QVERIFY(panel.containerActionText().isEmpty()); // cancelled: nothing was stopped

        answer(QMessageBox::DestructiveRole);
        stop->click();
        QCOMPARE(asked, 2);
        QTRY_VERIFY_WITH_TIMEOUT(panel.containerActionText().startsWith(QStringLiteral("Stopped ") + id),
                                 20000);
        // The poll that follows rewrites its own status, not the outcome of the stop.
        QTest::qWait(1500);
        QVERIFY2(panel.containerActionText().startsWith(QStringLiteral("Stopped ")),
                 qPrintable(panel.containerActionText()));
    }

    void authFailureShowsFixAndPollBacksOff()
    {
        scenario("token_invalid");
        DeploymentPanel panel(*m_ctx);
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(panel.authText().contains(QStringLiteral("modal token new")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.pollIntervalMs() > DeploymentPanel::kPollMs, 20000);
        QCOMPARE(panel.apps()->rowCount(), 0);
        // A rejected token does not fix itself: no poll is scheduled until the user refreshes.
        QTRY_VERIFY(panel.pollText().contains(QStringLiteral("press Refresh")));
        QVERIFY(!panel.pollScheduled());
        scenario("ok");
        panel.pollNow();
        QTRY_VERIFY_WITH_TIMEOUT(panel.apps()->rowCount() > 0, 20000);
        QVERIFY(panel.pollScheduled());
        QVERIFY(!panel.pollText().contains(QStringLiteral("✗")));
    }

    // Offline every one-shot `modal` command hangs ~57 s in the client's retries: the bridge kills
    // them when it goes, so closing the window never waits on the network.
    void closingKillsHangingCommandsAtOnce()
    {
        scenario("hang");
        auto* bridge = new DeploymentBridge(*m_ctx);
        bridge->checkAuth();
        bridge->poll();
        bridge->stopContainer(QStringLiteral("ta-01HANG"));
        QTRY_COMPARE_WITH_TIMEOUT(childProcesses("doubles/bin/modal").size(), 3, 10000);
        QVERIFY(bridge->checkingAuth() && bridge->polling());
        QElapsedTimer t;
        t.start();
        delete bridge;
        const qint64 ms = t.elapsed();
        qInfo("the bridge went in %lld ms", ms);
        QVERIFY2(ms < 2000, qPrintable(QStringLiteral("closing took %1 ms").arg(ms)));
        QVERIFY(childProcesses("doubles/bin/modal").isEmpty());
    }
};

QTEST_MAIN(TestDeployment)
#include "tst_deployment.moc"
