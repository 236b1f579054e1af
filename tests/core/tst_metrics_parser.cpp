// Parser tests for one metrics.jsonl line (tinker_cookbook's JSON logger, as kernel_rl writes it).
#include "watch/MetricsLineParser.h"

#include "TestPrinters.h"

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
    void fixtureLines()
    {
        std::ifstream in(fixturePath("runs/small_run/metrics.jsonl"));
        std::string line;
        std::int64_t expectStep = 0;
        while (std::getline(in, line)) {
            MetricsRecord r = parse(line);
            QCOMPARE(r.issue, TraceIssue::None);
            QCOMPARE(r.step, expectStep++);
            const auto j = nlohmann::json::parse(line);
            QCOMPARE(r.rewardMean, j["reward/mean"].get<double>());
            QCOMPARE(r.rewardStd, j["reward/std"].get<double>());
            QCOMPARE(r.rewardMin, j["reward/min"].get<double>());
            QCOMPARE(r.rewardMax, j["reward/max"].get<double>());
            QCOMPARE(r.formatRate, j["kernel/format_rate"].get<double>());
            QCOMPARE(r.compileRate, j["kernel/compile_rate"].get<double>());
            QCOMPARE(r.correctRate, j["kernel/correct_rate"].get<double>());
            QCOMPARE(r.cheatRate, j["kernel/cheat_rate"].get<double>());
            QCOMPARE(r.modalEvalMean, j["time/modal_eval_mean"].get<double>());
            QCOMPARE(r.modalEvalMax, j["time/modal_eval_max"].get<double>());
            QCOMPARE(r.bestSpeedupMean, j["multiturn/best_speedup_mean"].get<double>());
            QCOMPARE(r.bestSpeedupMax, j["multiturn/best_speedup_max"].get<double>());
            QCOMPARE(r.timeTotal, j["time/total"].get<double>());
            QCOMPARE(r.timeRollout, j["time/rollout"].get<double>());
            QVERIFY(std::isnan(r.wallTime));
            // Every numeric key but step is in values, other keys included.
            QCOMPARE(r.values.size(), j.size() - 1);
            QCOMPARE(r.value("batch/num_groups"), 4.0);
            QCOMPARE(r.value("optim/lr"), 1e-4);
            QVERIFY(std::isnan(r.value("no/such/key")));
        }
        QCOMPARE(expectStep, std::int64_t(3));
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
