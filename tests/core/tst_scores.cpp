// KernelBench-style scores (core/Scores): fast_0/1/2 count only correct results whose whole 95 %
// speedup interval is above p with trustworthy timing; results without an interval are reported as
// unverified, never counted; the geometric mean covers the correct results with a speedup.
#include "core/model/HistoryStore.h"
#include "core/model/ScoreCounter.h"
#include "core/model/Scores.h"

#include "tests/CliTestUtils.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <nlohmann/json.hpp>

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

// Adds a measured torch.compile baseline (or, with an error, one that failed).
EvalResult withCompile(EvalResult r, double speedup, SpeedupInterval ci, const char* error = "")
{
    BaselineTiming c;
    c.name = "compile";
    c.mode = "default";
    c.error = error;
    if (c.error.empty()) {
        c.speedup = speedup;
        c.speedupCi = ci;
    }
    r.baselines.push_back(c);
    return r;
}

EvalResult fasterThanLight(EvalResult r)
{
    r.flags.push_back(std::string(kFasterThanLightFlag));
    return r;
}

// Counted by hand: eager fast_1 = {1, 2, 6, 7}, fast_2 = {1}; compile measured {1, 2, 3, 4},
// fast_1 = {1}; the noisy 3 and the faster-than-light 4 and 5 are never counted.
std::vector<EvalResult> perBaselineSet()
{
    return {
        withCompile(result(EvalStatus::Correct, 2.5, SpeedupInterval{2.4, 2.6}), 1.3, {1.2, 1.4}), // 1
        withCompile(result(EvalStatus::Correct, 1.5, SpeedupInterval{1.4, 1.6}), 0.8, {0.7, 0.9}), // 2
        withCompile(result(EvalStatus::Correct, 9.9, SpeedupInterval{0.5, 19}, "noisy"), 2.3,
                    {2.1, 2.5}), // 3
        fasterThanLight(
            withCompile(result(EvalStatus::Correct, 9.5, SpeedupInterval{8, 11}), 5.5, {5, 6})), // 4
        fasterThanLight(result(EvalStatus::Rejected, 9.5, SpeedupInterval{8, 11})),              // 5
        result(EvalStatus::Correct, 1.2, SpeedupInterval{1.1, 1.3}), // 6: no compile
        withCompile(result(EvalStatus::Correct, 1.1, SpeedupInterval{1.05, 1.2}), 0, {0, 0},
                    "torch.compile failed: no C compiler"),        // 7
        result(EvalStatus::Incorrect, std::nullopt, std::nullopt), // 8
    };
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

    // A cancelled result and a setup refusal never ran the kernel: left out of results (said),
    // while other infra errors still count as results that are not correct.
    void cancelledAndNotRunAreLeftOut()
    {
        EvalRequest q;
        EvalResult cancelled = EvalResult::infraError(q, "cancelled");
        EvalResult tooLarge = EvalResult::infraError(q, "Not run: this problem needs about 108.0 GiB");
        tooLarge.metadata["error_kind"] = "setup";
        tooLarge.metadata["size_check"] = nlohmann::json::object();
        const EvalResult worker = EvalResult::infraError(q, "the worker died");
        std::vector<EvalResult> rs = {result(EvalStatus::Correct, 2.5, SpeedupInterval{2.4, 2.6}),
                                      result(EvalStatus::Incorrect, std::nullopt, std::nullopt), cancelled,
                                      tooLarge, worker};
        const SpeedupScores s = scoreResults(rs);
        QCOMPARE(s.results, std::size_t(3));
        QCOMPARE(s.notCounted, std::size_t(2));
        QCOMPARE(s.fastShare(1), 1.0 / 3);
        QVERIFY2(s.describe().find("(2 cancelled or not run here: left out)") != std::string::npos,
                 s.describe().c_str());
        // The store's rows say the same (HistoryStore reads cancelled / not run in SQL).
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        for (std::size_t i = 0; i < rs.size(); ++i) {
            rs[i].id = "r" + std::to_string(i);
            QVERIFY(store.add(rs[i]));
        }
        const SpeedupScores fromRows = scoreRows(store.rows({}));
        QCOMPARE(fromRows.results, std::size_t(3));
        QCOMPARE(fromRows.notCounted, std::size_t(2));
        QCOMPARE(fromRows.fast[1], std::size_t(1));
    }

    void perBaseline()
    {
        const auto rs = perBaselineSet();
        const SpeedupScores eager = scoreResults(rs, Baseline::Eager);
        QCOMPARE(eager.results, std::size_t(8));
        QCOMPARE(eager.correct, std::size_t(6));
        QCOMPARE(eager.fast[0], std::size_t(6));
        QCOMPARE(eager.fast[1], std::size_t(4));
        QCOMPARE(eager.fast[2], std::size_t(1));
        QCOMPARE(eager.measured, std::size_t(6));
        QCOMPARE(eager.geomeanOf, std::size_t(5)); // the faster-than-light 4 is left out
        QVERIFY(std::fabs(*eager.geomeanSpeedup - std::pow(2.5 * 1.5 * 9.9 * 1.2 * 1.1, 1.0 / 5)) < 1e-9);

        const SpeedupScores compile = scoreResults(rs, Baseline::Compile);
        QCOMPARE(compile.results, std::size_t(8));
        QCOMPARE(compile.correct, std::size_t(6));
        QCOMPARE(compile.measured, std::size_t(4));
        QCOMPARE(compile.fast[1], std::size_t(1)); // not eager's 4
        QCOMPARE(compile.fast[2], std::size_t(0)); // the noisy 2.3x and the faster-than-light 5.5x
        QCOMPARE(compile.unverified[1], std::size_t(0));
        QCOMPARE(compile.geomeanOf, std::size_t(3));
        QVERIFY(std::fabs(*compile.geomeanSpeedup - std::pow(1.3 * 0.8 * 2.3, 1.0 / 3)) < 1e-9);
        QVERIFY(compile.describe().find("4 of them with a compile baseline") != std::string::npos);

        // The same from the store's light rows.
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        auto stored = rs;
        for (std::size_t i = 0; i < stored.size(); ++i)
            stored[i].id = stored[i].request.id = "r" + std::to_string(i);
        store.addMany(stored);
        const auto rows = store.rows({});
        for (const auto& [fromResults, b] :
             {std::pair{eager, Baseline::Eager}, std::pair{compile, Baseline::Compile}}) {
            const SpeedupScores fromRows = scoreRows(rows, b);
            QCOMPARE(fromRows.results, fromResults.results);
            QCOMPARE(fromRows.measured, fromResults.measured);
            QCOMPARE(fromRows.fast, fromResults.fast);
            QCOMPARE(fromRows.unverified, fromResults.unverified);
            QCOMPARE(fromRows.geomeanOf, fromResults.geomeanOf);
            QVERIFY(std::fabs(*fromRows.geomeanSpeedup - *fromResults.geomeanSpeedup) < 1e-9);
        }
    }

    // Stores that keep the fast_p verdicts instead of the intervals (the charts' 2-bit rows) score
    // through the same counter: the verdicts kw::significance gives each stored row, handed over
    // as they are, give what scoreRows gives from the intervals.
    void verdictsScoreAsIntervals()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        auto stored = perBaselineSet();
        for (std::size_t i = 0; i < stored.size(); ++i)
            stored[i].id = stored[i].request.id = "r" + std::to_string(i);
        store.addMany(stored);
        const auto rows = store.rows({});
        QCOMPARE(rows.size(), stored.size());
        for (const Baseline b : {Baseline::Eager, Baseline::Compile}) {
            const bool compile = b == Baseline::Compile;
            std::vector<JudgedResult> judged;
            for (const HistoryRow& r : rows) {
                TimingQuality q;
                q.verdict = r.timingVerdict;
                const auto lo = compile ? r.compileCiLow : r.speedupCiLow;
                const auto hi = compile ? r.compileCiHigh : r.speedupCiHigh;
                const auto ci = lo && hi ? std::optional(SpeedupInterval{*lo, *hi}) : std::nullopt;
                JudgedResult j;
                j.status = r.status;
                j.speedup = compile ? r.compileSpeedup : r.speedup;
                j.fasterThanLight = r.fasterThanLight;
                for (std::size_t i = 0; i < j.verdicts.size(); ++i)
                    j.verdicts[i] = significance(r.status, q.untrustworthy(), r.fasterThanLight, ci,
                                                 SpeedupScores::kThresholds[i + 1]);
                judged.push_back(j);
            }
            const SpeedupScores fromVerdicts = scoreJudged(judged, b);
            const SpeedupScores fromIntervals = scoreRows(rows, b);
            QCOMPARE(fromVerdicts.baseline, b);
            QCOMPARE(fromVerdicts.results, fromIntervals.results);
            QCOMPARE(fromVerdicts.correct, fromIntervals.correct);
            QCOMPARE(fromVerdicts.measured, fromIntervals.measured);
            QCOMPARE(fromVerdicts.fast, fromIntervals.fast);
            QCOMPARE(fromVerdicts.unverified, fromIntervals.unverified);
            QCOMPARE(fromVerdicts.geomeanOf, fromIntervals.geomeanOf);
            QVERIFY(fromVerdicts.geomeanSpeedup && fromIntervals.geomeanSpeedup);
            QCOMPARE(*fromVerdicts.geomeanSpeedup, *fromIntervals.geomeanSpeedup);
            // Not trivially equal: the set has wins, non-wins, unverified and faster-than-light rows.
            QVERIFY(fromVerdicts.fast[1] > 0 && fromVerdicts.fast[1] < fromVerdicts.correct);
        }
        // The faster-than-light result (a Win by its interval alone) is never counted nor averaged.
        JudgedResult ftl;
        ftl.speedup = 5.5;
        ftl.fasterThanLight = true;
        ftl.verdicts = {WinVerdict::NotAWin, WinVerdict::NotAWin};
        const SpeedupScores one = scoreJudged({ftl});
        QCOMPARE(one.fast[1], std::size_t(0));
        QCOMPARE(one.geomeanOf, std::size_t(0));
    }

    void cliSummaryPerBaselineAndCsvColumns()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("h.sqlite"));
        const QString eagerOnlyDb = dir.filePath(QStringLiteral("eager.sqlite"));
        {
            HistoryStore store(db.toStdString());
            HistoryStore eagerOnly(eagerOnlyDb.toStdString());
            auto rs = perBaselineSet();
            for (std::size_t i = 0; i < rs.size(); ++i) {
                rs[i].id = rs[i].request.id = "r" + std::to_string(i + 1);
                rs[i].createdAt = 100 + double(i);
            }
            SpeedOfLight sol;
            sol.bound = "memory";
            sol.timeMs = 0.5;
            sol.percent = 71.4;
            rs[0].sol = sol;
            store.addMany(rs);
            eagerOnly.add(rs[5]);
        }
        auto run = [&](const QString& store, const QStringList& args) {
            QProcess p;
            p.start(cli, QStringList{QStringLiteral("history"), QStringLiteral("--db"), store,
                                     QStringLiteral("--limit"), QStringLiteral("0")} +
                             args);
            p.waitForFinished(30000);
            return p.readAllStandardOutput();
        };
        const auto j = nlohmann::json::parse(
            run(db, {QStringLiteral("--summary"), QStringLiteral("--json")}).toStdString(), nullptr, false);
        QVERIFY(j.is_object());
        QCOMPARE(j["fast_1_count"].get<int>(), 4); // the eager scores stay at the top level
        QCOMPARE(j["baselines"]["eager"]["fast_1_count"].get<int>(), 4);
        QCOMPARE(j["baselines"]["compile"]["fast_1_count"].get<int>(), 1);
        QCOMPARE(j["baselines"]["compile"]["fast_1"].get<double>(), 1.0 / 8);
        QCOMPARE(j["baselines"]["compile"]["measured"].get<int>(), 4);
        QCOMPARE(j["compile_measured"].get<int>(), 4);
        const QByteArray text = run(db, {QStringLiteral("--summary")});
        QVERIFY2(text.contains("against torch.compile: 8 results, 6 correct, 4 of them"), text.constData());

        // No compile baseline anywhere: not scored, and the summary says so.
        const auto e = nlohmann::json::parse(
            run(eagerOnlyDb, {QStringLiteral("--summary"), QStringLiteral("--json")}).toStdString(), nullptr,
            false);
        QVERIFY(!e["baselines"].contains("compile"));
        QCOMPARE(e["compile_measured"].get<int>(), 0);
        QVERIFY(run(eagerOnlyDb, {QStringLiteral("--summary")})
                    .contains("none of the 1 correct results had a compile baseline (0 asked for it"));

        // CSV: the compile speedup, its interval, % of SOL and faster_than_light per row.
        const QList<QByteArray> lines = run(db, {QStringLiteral("--csv")}).split('\n');
        const QList<QByteArray> header = lines[0].split(',');
        const auto col = [&](const char* name) { return header.indexOf(QByteArray(name)); };
        QVERIFY(col("compile_speedup") > 0 && col("compile_ci_low") > 0 && col("sol_percent") > 0 &&
                col("sol_bound") > 0 && col("faster_than_light") > 0);
        QByteArray r1, r4;
        for (const auto& l : lines) {
            if (l.contains(",r1,"))
                r1 = l;
            if (l.contains(",r4,"))
                r4 = l;
        }
        QCOMPARE(r1.split(',').value(col("compile_speedup")), QByteArray("1.3"));
        QCOMPARE(r1.split(',').value(col("compile_ci_low")), QByteArray("1.2"));
        QCOMPARE(r1.split(',').value(col("sol_percent")), QByteArray("71.4"));
        QCOMPARE(r1.split(',').value(col("sol_bound")), QByteArray("memory"));
        QCOMPARE(r4.split(',').value(col("faster_than_light")), QByteArray("true"));
        // The table shows the compile speedup and % of SOL.
        const QByteArray table = run(db, {});
        QVERIFY2(table.contains("compile") && table.contains("%SOL") && table.contains("71%") &&
                     table.contains("1.300x"),
                 table.constData());
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
