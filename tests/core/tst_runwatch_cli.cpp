// kernelwatch-cli watch, end to end: --once output and summary, --json objects, usage errors, and
// crash safety (issue 7): after kill -9, every evaluation it printed is in the history store.
#include "core/model/HistoryStore.h"
#include "tests/KernelRlRuns.h"

#include "tests/TestPrinters.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

using namespace kw;
namespace fs = std::filesystem;

namespace {

QString cliPath()
{
    const QByteArray bin = qgetenv("KW_BINARY_DIR");
    return bin.isEmpty() ? QString() : QString::fromLocal8Bit(bin) + QStringLiteral("/bin/kernelwatch-cli");
}

std::vector<std::string> lines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

} // namespace

class TestRunWatchCli : public QObject
{
    Q_OBJECT
    QString m_cli;

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = cliPath();
        if (m_cli.isEmpty() || !QFileInfo::exists(m_cli))
            QSKIP("kernelwatch-cli is not built (KW_BINARY_DIR/bin/kernelwatch-cli)");
    }

    void onceHumanAndJson()
    {
        QTemporaryDir tmp;
        // A kernel_rl run (tests/fixtures/kernel_rl) with bad lines made from its own lines.
        const std::string run = tmp.filePath(QStringLiteral("bad")).toStdString();
        const kwcorpus::BadRun bad = kwcorpus::makeBadRun("single_turn", run);
        const int results = int(bad.records);
        const QString db = tmp.filePath(QStringLiteral("h.sqlite"));
        QProcess p;
        p.start(m_cli, {QStringLiteral("watch"), QString::fromStdString(run), QStringLiteral("--once"),
                        QStringLiteral("--db"), db});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(out.contains(QStringLiteral("summary: %1 evaluations").arg(results)), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("best speedup per problem")));
        QVERIFY(out.contains(QStringLiteral("truncated line")));
        QVERIFY2(err.contains(QStringLiteral("skipped, binary data")), qPrintable(err));
        QCOMPARE(HistoryStore(db.toStdString()).count(), std::size_t(results));

        QProcess j;
        j.start(m_cli, {QStringLiteral("watch"), QString::fromStdString(run), QStringLiteral("--once"),
                        QStringLiteral("--json"), QStringLiteral("--no-store")});
        QVERIFY(j.waitForFinished(60000));
        QCOMPARE(j.exitCode(), 0);
        int objects = 0;
        std::vector<nlohmann::json> printed;
        for (const QByteArray& l : j.readAllStandardOutput().split('\n')) {
            if (l.isEmpty())
                continue;
            const auto o = nlohmann::json::parse(l.toStdString());
            for (const char* k :
                 {"run", "step", "turn", "problem", "reward", "status", "speedup", "id", "compiled"})
                QVERIFY2(o.contains(k), k);
            QCOMPARE(o["run"].get<std::string>(), std::string("bad"));
            printed.push_back(o);
            ++objects;
        }
        QCOMPARE(objects, results);
        // kernel_rl's records first, in file order, with the truth's step, turn, problem and status.
        QVERIFY(printed.size() >= bad.goodRecords);
        for (std::size_t i = 0; i < bad.goodRecords; ++i) {
            const kwcorpus::Record& t = bad.truth[i];
            const nlohmann::json& o = printed[i];
            QCOMPARE(o["step"].get<int>(), t.step);
            QCOMPARE(o["turn"].get<int>(), t.turn);
            QCOMPARE(o["problem"].get<std::string>(), t.problem);
            QCOMPARE(o["status"].get<std::string>(), t.status);
            QCOMPARE(o["reward"].get<double>(), t.reward);
        }
        const QByteArray summaryLine = j.readAllStandardError().trimmed().split('\n').last();
        const auto summary = nlohmann::json::parse(summaryLine.toStdString())["summary"];
        QCOMPARE(summary["results"].get<int>(), results);
        QCOMPARE(summary["skipped_lines"].get<int>(), int(bad.lines - bad.records));
    }

    void usageErrors()
    {
        QProcess p;
        p.start(m_cli, {QStringLiteral("watch")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        p.start(m_cli, {QStringLiteral("watch"), QStringLiteral("/no/such/dir")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        p.start(m_cli, {QStringLiteral("watch"), QStringLiteral("."), QStringLiteral("--bogus")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
    }

    void killedWhileFollowingLosesNothingPrinted()
    {
        QTemporaryDir tmp;
        const std::string run = tmp.filePath(QStringLiteral("live")).toStdString();
        kwcorpus::copyRun("single_turn", run);
        const std::size_t records = kwcorpus::truth("single_turn").size();
        const QString db = tmp.filePath(QStringLiteral("h.sqlite"));
        QProcess p;
        p.start(m_cli, {QStringLiteral("watch"), QString::fromStdString(run), QStringLiteral("--json"),
                        QStringLiteral("--db"), db, QStringLiteral("--interval"), QStringLiteral("20")});
        QVERIFY(p.waitForStarted());
        std::vector<std::string> printed;
        auto readPrinted = [&] {
            while (p.canReadLine()) {
                const QByteArray l = p.readLine().trimmed();
                if (!l.isEmpty())
                    printed.push_back(nlohmann::json::parse(l.toStdString())["id"].get<std::string>());
            }
        };
        QTRY_VERIFY_WITH_TIMEOUT((readPrinted(), printed.size() >= records), 30000);
        // The run goes on: new lines keep coming while we kill it mid-stream.
        const auto src = lines(run + "/traces.jsonl");
        for (int round = 0; round < 20; ++round) {
            std::ofstream out(run + "/traces.jsonl", std::ios::app | std::ios::binary);
            for (int i = 0; i < 5; ++i) {
                std::string l = src[std::size_t(i)];
                const auto at = l.rfind("\"timestamp\": ");
                l.insert(at, "\"note\": \"" + std::to_string(round * 5 + i) + "\", ");
                out << l << "\n";
            }
            out.close();
            QTest::qWait(15);
            readPrinted();
        }
        p.kill(); // SIGKILL
        QVERIFY(p.waitForFinished(10000));
        readPrinted();
        QVERIFY(printed.size() > records);
        HistoryStore store(db.toStdString());
        for (const auto& id : printed)
            QVERIFY2(store.contains(id), id.c_str());
        QCOMPARE(std::set<std::string>(printed.begin(), printed.end()).size(), printed.size());
    }
};

QTEST_GUILESS_MAIN(TestRunWatchCli)
#include "tst_runwatch_cli.moc"
