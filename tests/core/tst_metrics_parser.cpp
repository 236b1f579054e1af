// Parser tests for one metrics.jsonl line (tinker_cookbook's JSON logger, as kernel_rl writes it).
#include "core/watch/MetricsLineParser.h"

#include "tests/KernelRlRuns.h"

#include "tests/TestPrinters.h"

#include <QtTest>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace kw;

namespace {
std::string fixturePath(const std::string& rel)
{
    const char* dir = std::getenv("KW_TEST_FIXTURES");
    return std::string(dir ? dir : "tests/fixtures") + "/" + rel;
}

MetricsRecord parse(std::string_view line)
{
    MetricsRecord r;
    parseMetricsLine(line, r);
    return r;
}
} // namespace

class TestMetricsParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fixtureLines_data()
    {
        // metrics.jsonl as tinker_cookbook's logger wrote it under kernel_rl (tests/fixtures/kernel_rl).
        QTest::addColumn<QString>("run");
        for (const char* run :
             {"single_turn", "multi_turn", "crash_resume", "resume_from_batch", "partial_last_line"})
            QTest::newRow(run) << QString::fromLatin1(run);
    }

    void fixtureLines()
    {
        QFETCH(QString, run);
        const std::string name = run.toStdString();
        // The steps the lines must carry, from the truth: each step that produced records, in the
        // order the processes ran them (a resume_from_batch re-run repeats steps), but the last one
        // of a process that was killed before logging it.
        std::vector<std::int64_t> expectSteps;
        for (const auto& t : kwcorpus::wholeRecords(name)) // a crash's fragment: its step is run again
            if (expectSteps.empty() || expectSteps.back() != t.step)
                expectSteps.push_back(t.step);
        if (kwcorpus::endsKilled(name))
            expectSteps.pop_back();
        const auto config = nlohmann::json::parse(kwcorpus::slurp(kwcorpus::runDir(name) + "/config.json"));
        std::ifstream in(kwcorpus::runDir(name) + "/metrics.jsonl");
        std::string line;
        std::vector<std::int64_t> steps;
        auto same = [](double parsed, const nlohmann::json& j, const char* key) {
            return j.contains(key) ? parsed == j[key].get<double>() : std::isnan(parsed);
        };
        while (std::getline(in, line)) {
            MetricsRecord r = parse(line);
            QCOMPARE(r.issue, TraceIssue::None);
            steps.push_back(r.step);
            const auto j = nlohmann::json::parse(line);
            QCOMPARE(r.step, j["step"].get<std::int64_t>());
            if (j.contains("reward/mean")) { // single-turn (multi-turn: kernelRlModes)
                QCOMPARE(r.rewardMean, j["reward/mean"].get<double>());
                QCOMPARE(r.rewardStd, j["reward/std"].get<double>());
                QCOMPARE(r.rewardMin, j["reward/min"].get<double>());
                QCOMPARE(r.rewardMax, j["reward/max"].get<double>());
                QCOMPARE(r.formatRate, j["kernel/format_rate"].get<double>());
                QCOMPARE(r.compileRate, j["kernel/compile_rate"].get<double>());
                QCOMPARE(r.correctRate, j["kernel/correct_rate"].get<double>());
                QCOMPARE(r.cheatRate, j["kernel/cheat_rate"].get<double>());
            }
            // Absent from a step with no Modal evaluation timed (single_turn's step 2).
            QVERIFY(same(r.modalEvalMean, j, "time/modal_eval_mean"));
            QVERIFY(same(r.modalEvalMax, j, "time/modal_eval_max"));
            QVERIFY(same(r.bestSpeedupMean, j, "multiturn/best_speedup_mean"));
            QVERIFY(same(r.bestSpeedupMax, j, "multiturn/best_speedup_max"));
            QCOMPARE(r.timeTotal, j["time/total"].get<double>());
            QCOMPARE(r.timeRollout, j["time/rollout"].get<double>());
            QVERIFY(std::isnan(r.wallTime));
            // Every numeric key but step is in values.
            std::size_t numeric = 0;
            for (const auto& [k, v] : j.items())
                numeric += k != "step" && v.is_number();
            QCOMPARE(r.values.size(), numeric);
            QCOMPARE(r.value("batch/num_groups"), j["batch/num_groups"].get<double>());
            QCOMPARE(r.value("optim/lr"), config["learning_rate"].get<double>());
            QVERIFY(std::isnan(r.value("no/such/key")));
        }
        QCOMPARE(steps, expectSteps);
    }

    void kernelRlModes_data()
    {
        // metrics.jsonl written by kernel_rl's own loop (tests/fixtures/kernel_rl): single-turn
        // runs log reward/* and kernel/*, multi-turn runs multiturn/* and neither of those.
        QTest::addColumn<QString>("run");
        QTest::addColumn<QString>("reward");
        QTest::addColumn<QString>("rates");
        QTest::newRow("single") << "single_turn"
                                << "reward/mean"
                                << "kernel/";
        QTest::newRow("multi") << "multi_turn"
                               << "multiturn/step_score_mean"
                               << "multiturn/";
    }

    void kernelRlModes()
    {
        QFETCH(QString, run);
        QFETCH(QString, reward);
        QFETCH(QString, rates);
        std::ifstream in(fixturePath("kernel_rl/runs/" + run.toStdString() + "/metrics.jsonl"));
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            MetricsRecord r = parse(line);
            QCOMPARE(r.issue, TraceIssue::None);
            const auto j = nlohmann::json::parse(line);
            QCOMPARE(r.rewardMean, j[reward.toStdString()].get<double>());
            QCOMPARE(r.compileRate, j[rates.toStdString() + "compile_rate"].get<double>());
            QCOMPARE(r.correctRate, j[rates.toStdString() + "correct_rate"].get<double>());
            QCOMPARE(r.formatRate, j[rates.toStdString() + "format_rate"].get<double>());
            ++n;
        }
        QVERIFY(n >= 3);
    }

    void pythonSpecials()
    {
        MetricsRecord r = parse("{\"step\": 4, \"reward/mean\": NaN, \"kernel/cheat_rate\": Infinity, "
                                "\"x\": -Infinity, \"timestamp\": 1764000000.5}");
        QCOMPARE(r.issue, TraceIssue::None);
        QCOMPARE(r.step, std::int64_t(4));
        QVERIFY(std::isnan(r.rewardMean));
        QVERIFY(std::isinf(r.cheatRate));
        QCOMPARE(r.value("x"), -INFINITY);
        QCOMPARE(r.wallTime, 1764000000.5);
    }

    void ignoresNonNumbers()
    {
        MetricsRecord r = parse("{\"step\": 1, \"name\": \"run\", \"flag\": true, \"nested\": {\"a\": 1}, "
                                "\"list\": [1, 2], \"none\": null, \"v\": 2}");
        QCOMPARE(r.issue, TraceIssue::None);
        QCOMPARE(r.values.size(), std::size_t(1));
        QCOMPARE(r.value("v"), 2.0);
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<TraceIssue>("issue");
        QTest::newRow("no step") << QByteArray("{\"reward/mean\": 0.5}") << TraceIssue::MissingFields;
        QTest::newRow("step null") << QByteArray("{\"step\": null}") << TraceIssue::MissingFields;
        QTest::newRow("step negative") << QByteArray("{\"step\": -1}") << TraceIssue::MissingFields;
        QTest::newRow("step fractional") << QByteArray("{\"step\": 1.5}") << TraceIssue::MissingFields;
        QTest::newRow("step string") << QByteArray("{\"step\": \"3\"}") << TraceIssue::MissingFields;
        QTest::newRow("truncated") << QByteArray("{\"step\": 100, \"reward/mea") << TraceIssue::Truncated;
        QTest::newRow("invalid") << QByteArray("{\"step\": 1,}") << TraceIssue::InvalidJson;
        QTest::newRow("array") << QByteArray("[1]") << TraceIssue::NotObject;
        QTest::newRow("binary") << QByteArray("\x00\xff", 2) << TraceIssue::Binary;
        QTest::newRow("empty") << QByteArray("") << TraceIssue::InvalidJson;
        QTest::newRow("non-utf8 key") << QByteArray("{\"step\": 2, \"a\xff\": 1}") << TraceIssue::None;
    }

    void badInput()
    {
        QFETCH(QByteArray, line);
        QFETCH(TraceIssue, issue);
        MetricsRecord r = parse(std::string_view(line.constData(), std::size_t(line.size())));
        QCOMPARE(int(r.issue), int(issue));
        if (!r.valid())
            QVERIFY(r.values.empty());
        QVERIFY(!metricsIssueReason(r.issue).empty());
    }

    void keepsOffsets()
    {
        MetricsRecord r;
        r.offset = 77;
        r.lineNo = 3;
        parseMetricsLine("{\"step\": 9}", r);
        QCOMPARE(r.offset, std::uint64_t(77));
        QCOMPARE(r.lineNo, std::uint32_t(3));
    }
};

QTEST_GUILESS_MAIN(TestMetricsParser)
#include "tst_metrics_parser.moc"
