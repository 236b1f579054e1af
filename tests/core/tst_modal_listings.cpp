// Parsers of modal's listings on recorded outputs (tests/fixtures/modal/): app list, container
// list, token info, app history.
#include "core/modal/ModalAppHistory.h"
#include "core/modal/ModalAppList.h"
#include "core/modal/ModalContainerList.h"
#include "core/modal/ModalTokenInfo.h"
#include "tests/core/ModalFixtures.h"

#include <QTest>

using namespace kw;
using namespace kwtest;

class TestModalListings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!modalFixturesPresent())
            QSKIP("the modal recordings are missing (tests/fixtures/modal; KW_TEST_FIXTURES)");
    }
    void appList_data() { bothVersions(); }
    void appList()
    {
        // 1.5.4 prints snake_case keys, 1.4.2 the column titles; the same seven apps, one per
        // state the client prints.
        QFETCH(QString, version);
        const auto rec = recorded(version, "app_list");
        QCOMPARE(rec.exitCode, 0);
        auto p = parseModalAppList(rec.out);
        QVERIFY2(p.ok(), p.error.c_str());
        struct Row
        {
            const char* name;
            const char* state;
            int tasks;
            const char* createdAt;
            const char* stoppedAt;
            bool running;
        };
        const Row want[] = {
            {"kernel-rl-evaluator", "deployed", 2, "2026-12-06 22:00:00-08:00", "", true},
            {"kernelwatch-dev", "ephemeral (detached)", 1, "2026-12-06 22:24:45-08:00", "", true},
            {"scratch-run", "ephemeral", 1, "2026-12-06 22:26:50-08:00", "", true},
            {"warming-up", "initializing...", 0, "2026-12-06 22:27:50-08:00", "", true},
            {"winding-down", "stopping...", 1, "2026-12-06 20:21:50-08:00", "", false},
            {"old-evaluator", "disabled", 0, "2026-11-16 15:21:50-08:00", "", false},
            {"scratch-notebook", "stopped", 0, "2026-12-06 20:21:51-08:00", "2026-12-06 20:52:34-08:00",
             false},
        };
        QCOMPARE(p.value.size(), std::size(want));
        for (std::size_t i = 0; i < std::size(want); ++i) {
            const ModalApp& a = p.value[i];
            QCOMPARE(a.description, std::string(want[i].name));
            QCOMPARE(a.state, std::string(want[i].state));
            QCOMPARE(a.tasks, want[i].tasks);
            QCOMPARE(a.createdAt, std::string(want[i].createdAt));
            QCOMPARE(a.stoppedAt, std::string(want[i].stoppedAt));
            QVERIFY(isClientTime(a.createdAt));
            QVERIFY(a.appId.rfind("ap-", 0) == 0 && a.appId.size() == 25);
            QVERIFY2(a.isRunning() == want[i].running, a.state.c_str());
            QCOMPARE(a.isDeployed(), i == 0);
        }
        QCOMPARE(p.value[0].appId, std::string("ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG"));
        auto found = findModalApp(p.value, "kernel-rl-evaluator");
        QVERIFY(found && found->isDeployed());
        QVERIFY(!findModalApp(p.value, "nope"));

        // Not deployed: the evaluator missing, the others listed; no apps at all: "[]".
        auto notDeployed = parseModalAppList(recorded(version, "app_list_not_deployed").out);
        QVERIFY2(notDeployed.ok(), notDeployed.error.c_str());
        QVERIFY(!notDeployed.value.empty());
        QVERIFY(!findModalApp(notDeployed.value, "kernel-rl-evaluator"));
        auto empty = parseModalAppList(recorded(version, "app_list_empty").out);
        QVERIFY2(empty.ok(), empty.error.c_str());
        QVERIFY(empty.value.empty());
    }

    void appListAfterAWarningLine()
    {
        // Not recorded (no recorded client prints a warning before its JSON): the JSON after a
        // line of text is still read.
        auto p = parseModalAppList(fixture("app_list_with_warning.txt"));
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(3));
        QCOMPARE(p.value[0].description, std::string("kernel-rl-evaluator"));
        QVERIFY(p.value[0].isDeployed());
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

    void containerList_data() { bothVersions(); }
    void containerList()
    {
        // The client lists the running container first and the pending one second: the parser
        // keeps that order and assumes none.
        QFETCH(QString, version);
        auto p = parseModalContainerList(recorded(version, "container_list").out);
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(2));
        QCOMPARE(p.value[0].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"));
        QVERIFY(!p.value[0].pending);
        QCOMPARE(p.value[0].startTime, std::string("2026-12-06 22:01:52-08:00"));
        QVERIFY(isClientTime(p.value[0].startTime));
        QCOMPARE(p.value[1].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QVERIFY(p.value[1].pending);
        QVERIFY(p.value[1].startTime.empty());
        for (const auto& c : p.value) {
            QCOMPARE(c.appName, std::string("kernel-rl-evaluator"));
            QCOMPARE(c.appId, std::string("ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG"));
        }
        auto empty = parseModalContainerList(recorded(version, "container_list_empty").out);
        QVERIFY2(empty.ok(), empty.error.c_str());
        QVERIFY(empty.value.empty());
    }

    void tokenInfo_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("fromEnvironment");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s environment", v) << v << "token_info" << true;
            QTest::addRow("%s profile", v) << v << "token_info_profile" << false;
        }
    }
    void tokenInfo()
    {
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(bool, fromEnvironment);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 0);
        QCOMPARE(rec.out.rfind("(Using MODAL_TOKEN_ID and MODAL_TOKEN_SECRET environment variables)", 0) == 0,
                 fromEnvironment);
        auto p = parseModalTokenInfo(rec.joined());
        QVERIFY2(p.ok(), p.error.c_str());
        const ModalTokenInfo& t = p.value;
        QCOMPARE(t.tokenId, std::string("ak-AbCdEfGh12345678IjKlMn"));
        QCOMPARE(t.workspace, std::string("kernel-lab")); // printed "kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)"
        QCOMPARE(t.workspaceId, std::string("ac-9Xy8Wv7Ut6Sr5Qp4"));
        QCOMPARE(t.user, std::string("alice"));
        QCOMPARE(t.userId, std::string("us-1a2b3c4d5e"));
        QVERIFY(!t.serviceUser);
        QCOMPARE(t.createdAt, std::string("2026-11-16 15:21:50 PST"));
        QVERIFY(t.name.empty());
        QVERIFY(t.expiresAt.empty());
        QCOMPARE(t.source, fromEnvironment ? ModalTokenSource::Environment : ModalTokenSource::Profile);
        if (version == QStringLiteral("1.5.4") && fromEnvironment) // the named copy
            QCOMPARE(parseModalTokenInfo(fixture("token_info.txt")).value.workspace,
                     std::string("kernel-lab"));
    }

    void tokenInfoOptionalLines()
    {
        // Not recorded: the lines modal/cli/token.py (1.4.2 and 1.5.4) prints only for a named
        // or expiring token, a service user, or one of the two variables.
        const auto p = parseModalTokenInfo("(Using MODAL_TOKEN_ID environment variable)\n"
                                           "Token: ak-Zz9\n"
                                           "Name: ci-token\n"
                                           "Workspace: kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)\n"
                                           "Service User: ci-bot (su-123abc)\n"
                                           "Created By: alice (us-1a2b3c4d5e)\n"
                                           "Created at: 2026-11-16 15:21:50 PST\n"
                                           "Expires at: 2027-11-16 15:21:50 PST\n");
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.source, ModalTokenSource::Environment);
        QCOMPARE(p.value.name, std::string("ci-token"));
        QCOMPARE(p.value.user, std::string("ci-bot"));
        QCOMPARE(p.value.userId, std::string("su-123abc"));
        QVERIFY(p.value.serviceUser);
        QCOMPARE(p.value.createdBy, std::string("alice"));
        QCOMPARE(p.value.expiresAt, std::string("2027-11-16 15:21:50 PST"));
        // A name with parentheses of its own keeps them; only a trailing "(xx-…)" id is split off.
        QCOMPARE(splitModalNameAndId("lab (old) (ac-1)"),
                 (std::pair<std::string, std::string>{"lab (old)", "ac-1"}));
        QCOMPARE(splitModalNameAndId("lab (old)"), (std::pair<std::string, std::string>{"lab (old)", ""}));
        QCOMPARE(splitModalNameAndId("lab"), (std::pair<std::string, std::string>{"lab", ""}));
    }

    void tokenInfoFailures_data() { bothVersions(); }
    void tokenInfoFailures()
    {
        QFETCH(QString, version);
        for (const char* name : {"token_missing", "token_invalid", "network_token_info"})
            QVERIFY(!parseModalTokenInfo(recorded(version, name).joined()).ok());
    }

    void appHistory_data() { bothVersions(); }
    void appHistory()
    {
        // Newest first; 1.4.2 keys "Version", "Commit", "Tag", …, 1.5.4 "version", "commit", "tag".
        QFETCH(QString, version);
        const auto rec = recorded(version, "app_history");
        QCOMPARE(rec.exitCode, 0);
        auto p = parseModalAppHistory(rec.out);
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(3));
        const int versions[] = {3, 2, 1};
        const char* clients[] = {"1.5.4", "1.5.4", "1.4.2"};
        const char* by[] = {"bob", "alice", "alice"};
        const char* commits[] = {"", "1a2b3c4", ""};
        const char* tags[] = {"", "stable", ""};
        const char* times[] = {"2026-12-06 22:00:00-08:00", "2026-12-06 06:22:50-08:00",
                               "2026-12-05 14:22:50-08:00"};
        for (std::size_t i = 0; i < 3; ++i) {
            QCOMPARE(p.value[i].version, versions[i]);
            QCOMPARE(p.value[i].versionText, "v" + std::to_string(versions[i]));
            QCOMPARE(p.value[i].client, std::string(clients[i]));
            QCOMPARE(p.value[i].deployedBy, std::string(by[i]));
            QCOMPARE(p.value[i].commit, std::string(commits[i]));
            QCOMPARE(p.value[i].tag, std::string(tags[i]));
            QCOMPARE(p.value[i].timeDeployed, std::string(times[i]));
        }
        // No deployment tagged: the key is left out.
        const auto untagged = recorded(version, "app_history_untagged");
        QVERIFY(untagged.out.find("ag\"") == std::string::npos);
        auto u = parseModalAppHistory(untagged.out);
        QVERIFY2(u.ok(), u.error.c_str());
        QCOMPARE(u.value.size(), std::size_t(1));
        QCOMPARE(u.value[0].version, 1);
        QCOMPARE(u.value[0].deployedBy, std::string("alice"));
        QVERIFY(u.value[0].tag.empty() && u.value[0].commit.empty());
        if (version == QStringLiteral("1.5.4")) // the named copy
            QCOMPARE(parseModalAppHistory(fixture("app_history.json")).value.size(), std::size_t(3));
    }
};

QTEST_GUILESS_MAIN(TestModalListings)
#include "tst_modal_listings.moc"
