// From a parsed traces.jsonl line to what the app shows: TraceResultBuilder's EvalResult,
// TraceDetails (from a line and from the file), JsonSanitizer.
#include "core/base/JsonSanitizer.h"
#include "core/watch/TraceDetails.h"
#include "core/watch/TraceResultBuilder.h"
#include "tests/TestPrinters.h"
#include "tests/core/TraceFixtures.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace kw;
using namespace kwtest;
using nlohmann::json;

class TestTraceResults : public QObject
{
    Q_OBJECT

private slots:
    void resultFromTrace()
    {
        TraceLineSpans spans;
        TraceRecord r = parse(kGood, &spans, 42);
        r.step = 7;
        r.stepSource = StepSource::Metrics;
        TraceContext ctx{"myrun", "/runs/myrun/traces.jsonl", "modal", "H100"};
        EvalResult res = buildTraceResult(r, spans, ctx);
        QCOMPARE(res.id, traceResultId("myrun", r.idHash));
        QVERIFY(res.id.rfind("run-", 0) == 0);
        QCOMPARE(res.id.size(), std::size_t(20));
        QCOMPARE(res.request.source, std::string("run"));
        QCOMPARE(res.request.run, std::string("myrun"));
        QCOMPARE(res.request.step, 7);
        QCOMPARE(res.request.turn, 2);
        QCOMPARE(res.request.problem, std::string("level1/19"));
        QCOMPARE(res.request.backend, std::string("triton"));
        QCOMPARE(res.status, EvalStatus::Correct);
        QCOMPARE(*res.speedup, 1.5);
        QCOMPARE(res.testsPassed, 5);
        QCOMPARE(res.createdAt, 1764000001.5);
        QCOMPARE(res.device.target, std::string("modal:H100"));
        QCOMPARE(res.metadata["reward"].get<double>(), 1.3);
        QCOMPARE(res.metadata["reward_breakdown"]["reward_correctness"].get<double>(), 1.0);
        QCOMPARE(res.metadata["hardware"].get<std::string>(), std::string("H100")); // eval_result's own
        QCOMPARE(res.metadata["trace"]["offset"].get<std::uint64_t>(), std::uint64_t(42));
        QVERIFY(res.request.kernelCode.empty()); // code stays in the file
        // Same line, same place, same run: same id. Another run: another id.
        QCOMPARE(buildTraceResult(parse(kGood, &spans, 42), spans, ctx).id, res.id);
        QVERIFY(traceResultId("other", r.idHash) != res.id);
    }

    void details()
    {
        TraceDetails d = parseTraceDetails(kGood);
        QVERIFY2(d.ok, d.error.c_str());
        QCOMPARE(d.promptMessages.size(), std::size_t(2));
        QCOMPARE(d.promptMessages[0].role, std::string("system"));
        QCOMPARE(d.promptMessages[0].content, std::string("be \"fast\""));
        QCOMPARE(d.thought, std::string("t"));
        QCOMPARE(d.kernel, std::string("k"));
        QCOMPARE(*d.evalResult.speedup, 1.5);
        QCOMPARE(d.rewardBreakdown["reward_total"].get<double>(), 1.3);
        QVERIFY(d.state["done"].get<bool>());

        // NaN and non-UTF-8 are tolerated; garbage gives an error, not an exception.
        TraceDetails nan = parseTraceDetails(withEval("{\"speedup\": NaN, \"error_message\": \"bad "
                                                      "\xff"
                                                      "byte\"}"));
        QVERIFY2(nan.ok, nan.error.c_str());
        QVERIFY(!nan.evalResult.speedup);
        QVERIFY(!parseTraceDetails("{\"x\": [").ok);
        QVERIFY(!parseTraceDetails("[]").ok);
    }

    void detailsFromFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("traces.jsonl")).toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            out << "junk line\n" << kGood << "\n";
        }
        const std::uint64_t offset = 10;
        const std::uint64_t hash = traceLineHash(offset, kGood);
        TraceDetails d = loadTraceDetails(path, offset, kGood.size(), hash);
        QVERIFY2(d.ok, d.error.c_str());
        QCOMPARE(d.kernel, std::string("k"));
        // Rewritten file: refused instead of showing another line.
        {
            std::ofstream out(path, std::ios::binary);
            out << "other line\n" << kGood << "\n";
        }
        QVERIFY(!loadTraceDetails(path, offset, kGood.size(), hash).ok);
        QVERIFY(!loadTraceDetails(path, 1u << 20, 10).ok);
        QVERIFY(!loadTraceDetails(path + ".missing", 0, 10).ok);
        QVERIFY(!loadTraceDetails(path, 0, 1ull << 40).ok);
    }

    void sanitizer()
    {
        QCOMPARE(sanitizeJson("{\"a\": NaN, \"b\": -Infinity, \"c\": [Infinity], \"d\": \"NaN\"}"),
                 std::string("{\"a\": null, \"b\": null, \"c\": [null], \"d\": \"NaN\"}"));
        QCOMPARE(sanitizeJson("\"a\xff"
                              "b\""),
                 std::string("\"a\xef\xbf\xbd"
                             "b\""));
        QCOMPARE(jsonNestingDepth("[[{}]]"), std::size_t(3));
        QCOMPARE(jsonNestingDepth("\"[[[\""), std::size_t(0));
        QCOMPARE(jsonNestingDepth(std::string(5000, '['), 100), std::size_t(100));
    }
};

QTEST_GUILESS_MAIN(TestTraceResults)
#include "tst_trace_results.moc"
