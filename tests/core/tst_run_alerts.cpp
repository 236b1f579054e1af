// The alert rules of a followed run (core/usecase/RunAlerts), shared by the Training panel and
// `kernelwatch-cli watch`: stalls, cheat-rate and error-rate jumps, their words, the monitor's
// "new since last asked", and the built CLI printing them.
#include "core/usecase/RunAlerts.h"

#include "tests/CliTestUtils.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>

using namespace kw;

namespace {

std::vector<AlertSample> rows(int honest, int cheating, EvalStatus honestStatus = EvalStatus::Correct)
{
    std::vector<AlertSample> out;
    for (int i = 0; i < honest; ++i)
        out.push_back({true, false, honestStatus});
    for (int i = 0; i < cheating; ++i)
        out.push_back({true, true, EvalStatus::Rejected});
    return out;
}

} // namespace

class TestRunAlerts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rules()
    {
        QVERIFY(runAlerts("r", 10, rows(200, 0)).empty());
        const auto stall = runAlerts("r", 400, {});
        QCOMPARE(stall.size(), std::size_t(1));
        QCOMPARE(stall[0].message(), std::string("no new trace line for 6 min 40 s"));
        const auto cheat = runAlerts("r", 1, rows(200, 50));
        QCOMPARE(cheat.size(), std::size_t(1));
        QCOMPARE(cheat[0].kind, RunAlert::Kind::CheatJump);
        QCOMPARE(cheat[0].message(), std::string("cheat rate jumped to 100% (was 0%)"));
        // A Modal outage: the latest rows are infra errors.
        auto outage = rows(200, 0);
        for (int i = 0; i < 50; ++i)
            outage.push_back({true, false, EvalStatus::InfraError});
        const auto err = runAlerts("r", 1, outage);
        QCOMPARE(err.size(), std::size_t(1));
        QCOMPARE(err[0].kind, RunAlert::Kind::ErrorJump);
        QVERIFY(!runAlerts("r", 1, rows(30, 50)).empty()); // fewer than 200 before: compared with those
        QVERIFY(runAlerts("r", 1, rows(5, 40)).empty());   // under minRows: no rate alerts yet
    }

    void monitorSaysWhatIsNew()
    {
        RunAlertMonitor m;
        m.rowsArrived("a", rows(200, 0), 1000);
        QVERIFY(m.poll(1001).empty());
        m.rowsArrived("a", rows(0, 50), 1002);
        auto fresh = m.poll(1003);
        QCOMPARE(fresh.size(), std::size_t(1));
        QVERIFY(m.poll(1004).empty()); // still holding: not new
        std::vector<RunAlert> active;
        const auto stall = m.poll(1002 + 301, &active);
        QCOMPARE(stall.size(), std::size_t(1));
        QCOMPARE(stall[0].kind, RunAlert::Kind::Stall);
        QCOMPARE(active.size(), std::size_t(2));
    }

    void cliWatchPrintsAlerts()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        QTemporaryDir dir;
        {
            std::ofstream f(dir.filePath(QStringLiteral("traces.jsonl")).toStdString());
            for (int i = 0; i < 250; ++i)
                f << "{\"mode\": \"single_turn\", \"level\": 1, \"problem_id\": " << i % 7
                  << ", \"turn\": 0, \"timestamp\": " << 1765551682 + i
                  << ", \"eval_result\": {\"compiled\": true, "
                  << "\"correctness\": true, \"cheated\": " << (i >= 200 ? "true" : "false") << "}}\n";
        }
        QProcess p;
        p.start(cli, {QStringLiteral("watch"), dir.path(), QStringLiteral("--once"),
                      QStringLiteral("--no-store")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("alert: ") && err.contains("cheat rate jumped to 100% (was 0%)"),
                 err.constData());
    }
};

QTEST_GUILESS_MAIN(TestRunAlerts)
#include "tst_run_alerts.moc"
