// KernelBench-style scores (core/Scores): fast_0/1/2 count only correct results whose whole 95 %
// speedup interval is above p with trustworthy timing; results without an interval are reported as
// unverified, never counted; the geometric mean covers the correct results with a speedup.
#include "HistoryStore.h"
#include "Scores.h"

#include "CliTestUtils.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace kw;

namespace {

EvalResult result(EvalStatus st, std::optional<double> speedup, std::optional<SpeedupInterval> ci,
                  const char* verdict = "reliable")
{
    EvalResult r;
    r.status = st;
    r.speedup = speedup;
    r.speedupCi = ci;
    if (ci) {
        TimingQuality q;
        q.verdict = verdict;
        r.timingQuality = q;
    }
    return r;
}

} // namespace

class TestScores : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fastP()
    {
        const std::vector<EvalResult> rs = {
            result(EvalStatus::Correct, 2.5, SpeedupInterval{2.4, 2.6}),         // fast_0, 1, 2
            result(EvalStatus::Correct, 1.5, SpeedupInterval{1.4, 1.6}),         // fast_0, 1
            result(EvalStatus::Correct, 1.2, SpeedupInterval{0.9, 1.5}),         // interval straddles 1
            result(EvalStatus::Correct, 9.9, SpeedupInterval{0.5, 19}, "noisy"), // noisy: no win
            result(EvalStatus::Correct, 3.0, std::nullopt),                      // no interval: unverified
            result(EvalStatus::Incorrect, 5.0, SpeedupInterval{4.9, 5.1}),       // wrong: nothing
            result(EvalStatus::CompileError, std::nullopt, std::nullopt),
            result(EvalStatus::Correct, std::nullopt, std::nullopt), // correct, not timed
        };
        const SpeedupScores s = scoreResults(rs);
        QCOMPARE(s.results, std::size_t(8));
        QCOMPARE(s.correct, std::size_t(6));
        QCOMPARE(s.fast[0], std::size_t(6));
        QCOMPARE(s.fast[1], std::size_t(2));
        QCOMPARE(s.fast[2], std::size_t(1));
        QCOMPARE(s.unverified[1], std::size_t(1));
        QCOMPARE(s.unverified[2], std::size_t(1));
        QCOMPARE(s.fastShare(1), 0.25);
        QCOMPARE(s.geomeanOf, std::size_t(5));
        QVERIFY(std::fabs(*s.geomeanSpeedup - std::pow(2.5 * 1.5 * 1.2 * 9.9 * 3.0, 1.0 / 5)) < 1e-9);
        QVERIFY(s.describe().find("not counted") != std::string::npos);
        QVERIFY(!scoreResults({}).geomeanSpeedup);
    }

    void cliSummaryAndCsvCarryTheInterval()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("h.sqlite"));
        {
            HistoryStore store(db.toStdString());
            EvalResult a = result(EvalStatus::Correct, 2.5, SpeedupInterval{2.4, 2.6});
            a.id = a.request.id = "a";
            a.createdAt = 100;
            EvalResult b = result(EvalStatus::Correct, 1.2, SpeedupInterval{0.9, 1.5}, "noisy");
            b.id = b.request.id = "b";
            b.createdAt = 101;
            store.addMany({a, b});
        }
        auto run = [&](const QStringList& args) {
            QProcess p;
            p.start(cli, QStringList{QStringLiteral("history"), QStringLiteral("--db"), db} + args);
            p.waitForFinished(30000);
            return p.readAllStandardOutput();
        };
        const QByteArray summary = run({QStringLiteral("--summary"), QStringLiteral("--json")});
        QVERIFY2(summary.contains("\"fast_1\":0.5") && summary.contains("\"fast_2\":0.5"),
                 summary.constData());
        const QByteArray csv = run({QStringLiteral("--csv")});
        QVERIFY2(csv.contains("2.4") && csv.contains("noisy"), csv.constData()); // columns filled, not empty
    }

    void aboveAThreshold()
    {
        QCOMPARE(significantlyAbove(result(EvalStatus::Correct, 2.5, SpeedupInterval{2.4, 2.6}), 2.0),
                 WinVerdict::Win);
        QCOMPARE(significantlyAbove(result(EvalStatus::Correct, 2.5, SpeedupInterval{1.9, 2.6}), 2.0),
                 WinVerdict::NotAWin);
        QCOMPARE(significantlyAbove(result(EvalStatus::Correct, 2.5, std::nullopt), 1.0),
                 WinVerdict::Unknown);
        QCOMPARE(
            significantlyAbove(result(EvalStatus::Correct, 2.5, SpeedupInterval{2, 3}, "unreliable"), 1.0),
            WinVerdict::NotAWin);
    }
};

QTEST_GUILESS_MAIN(TestScores)
#include "tst_scores.moc"
