// fast_0/1/2 and the geometric mean over a hand-made set, against eager and torch.compile, with
// the verdicts HistoryModel stores per row (core's significance rule); per group; in Charts.
#include "tests/ui/UiTestUtils.h"

#include "ui/charts/ScoreData.h"
#include "ui/models/CompactRow.h"
#include "ui/models/HistoryModel.h"
#include "ui/training/StepScores.h"

#include <QtTest>

#include <cmath>

using namespace kw;
using namespace kw::ui;

namespace {
constexpr float kNone = CompactRow::kNone;

ChartPoint point(EvalStatus status, float eager, WinVerdict eager1, WinVerdict eager2, float compile = kNone,
                 WinVerdict compile1 = WinVerdict::Unknown, WinVerdict compile2 = WinVerdict::Unknown,
                 std::uint32_t run = 0)
{
    CompactRow r;
    r.setVerdict(Baseline::Eager, 0, eager1);
    r.setVerdict(Baseline::Eager, 1, eager2);
    r.setVerdict(Baseline::Compile, 0, compile1);
    r.setVerdict(Baseline::Compile, 1, compile2);
    ChartPoint p;
    p.status = static_cast<std::uint8_t>(status);
    p.eagerSpeedup = p.speedup = eager;
    p.compileSpeedup = compile;
    p.wins = r.wins;
    p.run = run;
    return p;
}
constexpr auto W = WinVerdict::Win;
constexpr auto N = WinVerdict::NotAWin;
constexpr auto U = WinVerdict::Unknown;
ChartPoint leftOut(ChartPoint p)
{
    p.counted = false;
    return p;
}
} // namespace

class TestScoreData : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void verdictBitsRoundTrip()
    {
        CompactRow r;
        r.setVerdict(Baseline::Eager, 0, W);
        r.setVerdict(Baseline::Eager, 1, N);
        r.setVerdict(Baseline::Compile, 0, U);
        r.setVerdict(Baseline::Compile, 1, W);
        QCOMPARE(r.verdict(Baseline::Eager, 0), W);
        QCOMPARE(r.verdict(Baseline::Eager, 1), N);
        QCOMPARE(r.verdict(Baseline::Compile, 0), U);
        QCOMPARE(r.verdict(Baseline::Compile, 1), W);
        r.setVerdict(Baseline::Eager, 0, N);
        QCOMPARE(r.verdict(Baseline::Eager, 0), N);
        QCOMPARE(r.verdict(Baseline::Compile, 1), W);
    }

    void handMadeSet()
    {
        // 8 results: 5 correct (speedups 3, 1.5, 0.8, 1.2 unverified, 2.2 noisy), 3 not correct.
        const std::vector<ChartPoint> points = {
            point(EvalStatus::Correct, 3.0f, W, W, 1.6f, W, N),
            point(EvalStatus::Correct, 1.5f, W, N, 0.9f, N, N),
            point(EvalStatus::Correct, 0.8f, N, N),
            point(EvalStatus::Correct, 1.2f, U, N),
            point(EvalStatus::Correct, 2.2f, N, N, 1.1f, N, N), // noisy timing: the rule said NotAWin
            point(EvalStatus::Incorrect, kNone, N, N),
            point(EvalStatus::Rejected, 40.0f, N, N), // faster than light: never counted
            point(EvalStatus::CompileError, kNone, N, N),
            leftOut(point(EvalStatus::InfraError, kNone, U, U)), // cancelled or not run here
        };
        const ScoreGroup g = ScoreData::score(points);
        QCOMPARE(g.eager.results, std::size_t(8));
        QCOMPARE(g.eager.notCounted, std::size_t(1));
        QCOMPARE(g.compile.notCounted, std::size_t(1));
        QCOMPARE(g.eager.correct, std::size_t(5));
        QCOMPARE(g.eager.fast[0], std::size_t(5));
        QCOMPARE(g.eager.fast[1], std::size_t(2));
        QCOMPARE(g.eager.fast[2], std::size_t(1));
        QCOMPARE(g.eager.unverified[1], std::size_t(1)); // 1.2×, no interval
        QCOMPARE(g.eager.fastShare(1), 0.25);
        // Geometric mean of the correct results' speedups: (3 · 1.5 · 0.8 · 1.2 · 2.2)^(1/5).
        QVERIFY(g.eager.geomeanSpeedup);
        QCOMPARE(g.eager.geomeanOf, std::size_t(5));
        QVERIFY(std::abs(*g.eager.geomeanSpeedup - std::pow(3.0 * 1.5 * 0.8 * 1.2 * 2.2, 0.2)) < 1e-5);
        // Against torch.compile: three correct results measured; one significantly above 1.
        QCOMPARE(g.compile.measured, std::size_t(3));
        QCOMPARE(g.compile.baseline, Baseline::Compile);
        QCOMPARE(g.eager.measured, std::size_t(5));
        QCOMPARE(g.compile.fast[1], std::size_t(1));
        QCOMPARE(g.compile.fast[2], std::size_t(0));
        QCOMPARE(g.compile.geomeanOf, std::size_t(3));
        QVERIFY(std::abs(*g.compile.geomeanSpeedup - std::cbrt(1.6 * 0.9 * 1.1)) < 1e-5);
        QCOMPARE(ScoreData::describe(g.eager),
                 QStringLiteral("fast_0 62.5 % · fast_1 25.0 % · fast_2 12.5 % · geomean %1")
                     .arg(QString::number(*g.eager.geomeanSpeedup, 'f', 2) + QStringLiteral("×")));
    }

    void grouped()
    {
        const std::vector<ChartPoint> points = {
            point(EvalStatus::Correct, 3.0f, W, W, kNone, U, U, 2),
            point(EvalStatus::Incorrect, kNone, N, N, kNone, U, U, 2),
            point(EvalStatus::Correct, 1.5f, W, N, kNone, U, U, 1),
        };
        const auto groups = ScoreData::grouped(
            points, [](const ChartPoint& p) { return double(p.run); },
            [](double k) { return QStringLiteral("run %1").arg(k); });
        QCOMPARE(groups.size(), std::size_t(2));
        QCOMPARE(groups[0].label, QStringLiteral("run 1"));
        QCOMPARE(groups[0].eager.fast[1], std::size_t(1));
        QCOMPARE(groups[1].eager.results, std::size_t(2));
        QCOMPARE(groups[1].eager.fastShare(2), 0.5);
    }

    void perTrainingStep()
    {
        // The Training panel's per-step fast_p and geomean come from the run's rows in the history.
        HistoryModel model;
        auto stepRow = [](std::int64_t id, int step, EvalStatus st, std::optional<double> sp, double ciLow,
                          const std::string& run = "grpo-a") {
            HistoryRow r = kw::ui::test::row(id, "level1/19_ReLU", st, 1.7e9 + double(id), "run", sp);
            r.run = run;
            r.step = step;
            if (sp) {
                r.speedupCiLow = ciLow;
                r.speedupCiHigh = *sp * 1.05;
                r.timingVerdict = "reliable";
            }
            return r;
        };
        model.appendNow(
            {stepRow(1, 0, EvalStatus::Correct, 1.5, 1.4), stepRow(2, 0, EvalStatus::Incorrect, {}, 0),
             stepRow(3, 1, EvalStatus::Correct, 2.5, 2.3), stepRow(4, 1, EvalStatus::Correct, 3.0, 0.9),
             stepRow(5, 1, EvalStatus::Correct, 4.0, 3.9, "other-run")});
        const StepScores s = StepScores::build(model, QStringLiteral("grpo-a"));
        QCOMPARE(s.step, (QVector<double>{0, 1}));
        QCOMPARE(s.fast0, (QVector<double>{50, 100}));
        QCOMPARE(s.fast1, (QVector<double>{50, 50}));
        QCOMPARE(s.fast2, (QVector<double>{0, 50}));
        QVERIFY(std::abs(s.geomean[0] - 1.5) < 1e-6);
        QVERIFY(std::abs(s.geomean[1] - std::sqrt(2.5 * 3.0)) < 1e-5);
        QVERIFY(s.intervals);
        QVERIFY(StepScores::build(model, QStringLiteral("no-such-run")).step.isEmpty());
        // A run whose results carry no interval (kernel_rl's evaluator): fast_p unknown, not drawn.
        HistoryModel plain;
        HistoryRow noCi = kw::ui::test::row(9, "level1/19_ReLU", EvalStatus::Correct, 1.7e9, "run", 1.5);
        noCi.run = "grpo-b";
        noCi.step = 0;
        plain.appendNow({noCi});
        const StepScores p = StepScores::build(plain, QStringLiteral("grpo-b"));
        QCOMPARE(p.step.size(), 1);
        QVERIFY(!p.intervals);
        QCOMPARE(p.geomean[0], 1.5);
    }
};

QTEST_MAIN(TestScoreData)
#include "tst_scoredata.moc"
