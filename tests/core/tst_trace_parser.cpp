// Parser tests for one traces.jsonl line: lines written by kernel_rl's own trace logger
// (tests/fixtures/kernel_rl) checked field by field against a full JSON parse, their status against
// the corpus's truth.jsonl, and kernel_rl's signals. Bad input: tst_trace_bad_input.
#include "core/base/JsonSanitizer.h"
#include "core/watch/TraceLineParser.h"
#include "tests/KernelRlRuns.h"
#include "tests/TestPrinters.h"
#include "tests/core/TraceFixtures.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

using namespace kw;
using namespace kwtest;
using nlohmann::json;

class TestTraceParser : public QObject
{
    Q_OBJECT

private slots:
    void exactShapeMatchesFullParse_data()
    {
        QTest::addColumn<QString>("run");
        QTest::addColumn<bool>("bad");
        for (const char* run :
             {"single_turn", "multi_turn", "crash_resume", "resume_from_batch", "partial_last_line"})
            QTest::newRow(run) << QString::fromLatin1(run) << false;
        QTest::newRow("single_turn, bad lines added") << QStringLiteral("single_turn") << true;
    }

    void exactShapeMatchesFullParse()
    {
        QFETCH(QString, run);
        QFETCH(bool, bad);
        const std::string name = run.toStdString();
        QTemporaryDir tmp;
        std::string path = kwcorpus::runDir(name) + "/traces.jsonl";
        if (bad) {
            kwcorpus::makeBadRun(name, tmp.path().toStdString());
            path = tmp.path().toStdString() + "/traces.jsonl";
        }
        std::map<std::uint64_t, kwcorpus::Record> truth; // whole records by offset
        for (const auto& t : kwcorpus::wholeRecords(name))
            truth[t.offset] = t;
        const auto lines = readLines(path);
        QVERIFY(lines.size() >= truth.size());
        std::size_t checked = 0, withTruth = 0;
        std::uint64_t offset = 0;
        for (const auto& raw : lines) {
            const std::uint64_t lineOffset = offset;
            offset += raw.size() + 1;
            std::string line = raw;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.find('\0') != std::string::npos)
                continue; // binary: checked elsewhere (sanitizeJson would make it parse)
            json j;
            try {
                j = json::parse(sanitizeJson(line));
            } catch (...) {
                continue; // the bad lines are checked elsewhere
            }
            if (!j.is_object() || !j.contains("eval_result"))
                continue;
            TraceLineSpans spans;
            TraceRecord r = parse(line, &spans, lineOffset);
            QCOMPARE(r.issue, TraceIssue::None);
            QCOMPARE(std::string(r.mode), j["mode"].get<std::string>());
            QCOMPARE(std::string(r.backend), j["backend"].get<std::string>());
            QCOMPARE(int(r.level), j["level"].get<int>());
            QCOMPARE(std::string(r.problemId), std::to_string(j["problem_id"].get<int>()));
            QCOMPARE(int(r.turn), j["turn"].get<int>());
            QCOMPARE(int(r.maxTurns), j.value("max_turns", -1)); // single-turn records have none
            QCOMPARE(r.timestamp, j["timestamp"].get<double>());
            QCOMPARE(r.reward, j["reward"].get<double>());
            QCOMPARE(double(r.breakdown.total),
                     double(float(j["reward_breakdown"]["reward_total"].get<double>())));
            const json& ev = j["eval_result"];
            QCOMPARE(r.compiled, ev["compiled"].get<bool>());
            QCOMPARE(r.correctness, ev["correctness"].get<bool>());
            QCOMPARE(r.cheated, ev["cheated"].get<bool>());
            QCOMPARE(int(r.testsPassed), ev["tests_passed"].get<int>());
            QCOMPARE(r.formatOk, j["response"]["format_ok"].get<bool>());
            QCOMPARE(r.done, j.contains("state") && j["state"]["done"].get<bool>()); // multi-turn only
            if (ev["speedup"].is_number())
                QCOMPARE(r.speedup, ev["speedup"].get<double>());
            else
                QVERIFY(!r.hasSpeedup());
            QCOMPARE(r.step, -1); // kernel_rl's lines carry no step
            QCOMPARE(r.length, std::uint32_t(line.size()));
            // The summary agrees with resultFromJson on the same object.
            EvalResult full = resultFromJson(ev);
            QCOMPARE(full.speedup.has_value(), r.hasSpeedup());
            QCOMPARE(full.compiled, r.compiled);
            if (r.status != EvalStatus::RuntimeError && r.status != EvalStatus::Timeout)
                QCOMPARE(r.status, full.status);
            QVERIFY(!spans.evalResult.empty());
            QCOMPARE(json::parse(sanitizeJson(spans.evalResult)), ev);
            // A record kernel_rl wrote at this offset: the truth's status.
            if (auto t = truth.find(lineOffset); t != truth.end()) {
                QCOMPARE(std::string(statusName(r.status)), t->second.status);
                QCOMPARE(r.problem(), t->second.problem);
                ++withTruth;
            }
            ++checked;
        }
        // Every whole record parsed, but the one a crash's fragment starts the line of.
        std::size_t afterFragment = 0;
        const auto all = kwcorpus::truth(name);
        for (std::size_t i = 1; i < all.size(); ++i)
            afterFragment += all[i - 1].cut && all[i].lineNo == all[i - 1].lineNo;
        QCOMPARE(withTruth, truth.size() - afterFragment);
        QVERIFY(checked >= withTruth);
    }

    void corpusStatuses_data()
    {
        QTest::addColumn<QString>("run");
        for (const char* run :
             {"single_turn", "multi_turn", "crash_resume", "resume_from_batch", "partial_last_line"})
            QTest::newRow(run) << QString::fromLatin1(run);
    }

    void corpusStatuses()
    {
        // Every record's bytes (truth.jsonl's offset and length) parse to its true status; a
        // crash's fragment is truncated, and the line it starts yields the record after it.
        QFETCH(QString, run);
        const std::string name = run.toStdString();
        const std::string traces = kwcorpus::slurp(kwcorpus::runDir(name) + "/traces.jsonl");
        const auto truth = kwcorpus::truth(name);
        std::set<std::string> seen;
        for (std::size_t i = 0; i < truth.size(); ++i) {
            const auto& t = truth[i];
            const std::string bytes = kwcorpus::recordBytes(traces, t);
            const TraceRecord r = parse(bytes, nullptr, t.offset);
            if (t.cut) {
                QCOMPARE(r.issue, TraceIssue::Truncated);
                QVERIFY(i + 1 == truth.size() || truth[i + 1].lineNo == t.lineNo);
                if (i + 1 < truth.size()) {
                    // The whole line: fragment, then the resumed process's record.
                    const auto& next = truth[i + 1];
                    const std::string line = traces.substr(t.offset, next.offset + next.length - t.offset);
                    TraceLineSpans spans;
                    const TraceRecord rec = parse(line, &spans, t.offset);
                    QCOMPARE(rec.issue, TraceIssue::Recovered);
                    QCOMPARE(rec.offset, next.offset);
                    QCOMPARE(rec.length, next.length);
                    QCOMPARE(std::string(statusName(rec.status)), next.status);
                    QCOMPARE(rec.problem(), next.problem);
                }
                continue;
            }
            QCOMPARE(r.issue, TraceIssue::None);
            QCOMPARE(std::string(statusName(r.status)), t.status);
            QCOMPARE(r.problem(), t.problem);
            QCOMPARE(int(r.turn), t.turn);
            QCOMPARE(r.reward, t.reward);
            QCOMPARE(r.hasSpeedup(), t.hasSpeedup);
            if (t.hasSpeedup)
                QCOMPARE(r.speedup, t.speedup);
            seen.insert(t.status);
        }
        // The corpus's README: every run holds each outcome kernel_rl produces (crashed: never).
        for (EvalStatus s :
             {EvalStatus::Correct, EvalStatus::Incorrect, EvalStatus::CompileError, EvalStatus::RuntimeError,
              EvalStatus::Timeout, EvalStatus::Rejected, EvalStatus::InfraError})
            QVERIFY2(seen.count(std::string(statusName(s))), std::string(statusName(s)).c_str());
    }

    void goodLine()
    {
        TraceLineSpans spans;
        TraceRecord r = parse(kGood, &spans, 1000);
        QCOMPARE(r.issue, TraceIssue::None);
        QCOMPARE(r.offset, std::uint64_t(1000));
        QCOMPARE(r.status, EvalStatus::Correct);
        QCOMPARE(r.problem(), std::string("level1/19"));
        QCOMPARE(r.speedup, 1.5);
        QCOMPARE(r.runtimeMs, 2.0);
        QCOMPARE(r.baselineMs, 3.0);
        QCOMPARE(double(r.breakdown.correctness), 1.0);
        QVERIFY(r.success);
        QVERIFY(!spans.trailingData);
        QVERIFY(spans.errorMessage.empty());
        QCOMPARE(r.idHash, traceLineHash(1000, kGood));
        QVERIFY(r.idHash != traceLineHash(1001, kGood));
    }

    void statuses_data()
    {
        QTest::addColumn<QString>("eval");
        QTest::addColumn<EvalStatus>("status");
        QTest::newRow("correct") << "{\"compiled\": true, \"correctness\": true}" << EvalStatus::Correct;
        QTest::newRow("incorrect")
            << "{\"compiled\": true, \"correctness\": false, \"error_message\": \"Output mismatch\"}"
            << EvalStatus::Incorrect;
        QTest::newRow("compile") << "{\"compiled\": false, \"correctness\": false}"
                                 << EvalStatus::CompileError;
        QTest::newRow("runtime")
            << "{\"compiled\": true, \"correctness\": false, \"error_message\": \"RuntimeError: CUDA\"}"
            << EvalStatus::RuntimeError;
        QTest::newRow("timeout")
            << "{\"compiled\": true, \"correctness\": false, \"error_message\": \"Timed out\"}"
            << EvalStatus::Timeout;
        QTest::newRow("cheated") << "{\"compiled\": true, \"correctness\": true, \"cheated\": true}"
                                 << EvalStatus::Rejected;
        QTest::newRow("explicit") << "{\"compiled\": true, \"correctness\": true, \"status\": \"crashed\"}"
                                  << EvalStatus::Crashed;
        QTest::newRow("numbers as booleans")
            << "{\"compiled\": 1.0, \"correctness\": 0.0}" << EvalStatus::Incorrect;
        QTest::newRow("wrong types") << "{\"compiled\": \"yes\", \"correctness\": [1], \"speedup\": \"fast\"}"
                                     << EvalStatus::CompileError;
    }

    void statuses()
    {
        QFETCH(QString, eval);
        QFETCH(EvalStatus, status);
        TraceRecord r = parse(withEval(eval.toStdString()));
        QCOMPARE(r.issue, TraceIssue::None);
        QCOMPARE(r.status, status);
        QCOMPARE(r.problem(), std::string("level2/7_x"));
    }

    void nullAndNanSpeedups_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("null") << "null";
        QTest::newRow("NaN") << "NaN";
        QTest::newRow("Infinity") << "Infinity";
        QTest::newRow("-Infinity") << "-Infinity";
        QTest::newRow("string") << "\"1.5\"";
        QTest::newRow("absent") << "";
    }

    void nullAndNanSpeedups()
    {
        QFETCH(QString, value);
        std::string ev =
            value.isEmpty()
                ? "{\"compiled\": true, \"correctness\": true}"
                : "{\"compiled\": true, \"correctness\": true, \"speedup\": " + value.toStdString() + "}";
        TraceLineSpans spans; // views into the line: it must outlive them
        const std::string line = withEval(ev);
        TraceRecord r = parse(line, &spans);
        QCOMPARE(r.issue, TraceIssue::None);
        QVERIFY(!r.hasSpeedup());
        EvalResult res = buildTraceResult(r, spans, ctx("run1", "/x/traces.jsonl"));
        QVERIFY(!res.speedup.has_value());
        QCOMPARE(res.status, EvalStatus::Correct);
    }

    void kernelRlSignals_data()
    {
        // The exact signals kernel_rl's evaluator and Modal client write (design.md, "How
        // eval_result records failures").
        QTest::addColumn<QString>("eval");
        QTest::addColumn<EvalStatus>("status");
        QTest::newRow("modal function timeout")
            << "{\"compiled\": false, \"correctness\": false, \"error_message\": \"Modal execution failed: "
               "Task's current input in-01JX hit its timeout of 60s\", \"metadata\": {\"exception_type\": "
               "\"FunctionTimeoutError\"}}"
            << EvalStatus::Timeout;
        QTest::newRow("modal evaluation failed")
            << "{\"compiled\": false, \"correctness\": false, \"error_message\": \"Modal evaluation failed: "
               "ConnectionError\"}"
            << EvalStatus::InfraError;
        QTest::newRow("modal execution failed")
            << "{\"compiled\": false, \"error_message\": \"Modal execution failed: RemoteError\", "
               "\"metadata\": {\"exception_type\": \"RemoteError\"}}"
            << EvalStatus::InfraError;
        QTest::newRow("returned none")
            << "{\"compiled\": false, \"error_message\": \"Evaluation returned None (lock file error)\"}"
            << EvalStatus::InfraError;
        QTest::newRow("reference load")
            << "{\"compiled\": false, \"error_message\": \"Failed to load reference code: SyntaxError\"}"
            << EvalStatus::InfraError;
        QTest::newRow("cuda fault during the run")
            << "{\"compiled\": true, \"correctness\": false, \"metadata\": {\"runtime_error\": \"CUDA error: "
               "an illegal memory access was encountered\", \"runtime_error_name\": "
               "\"torch.AcceleratorError\"}}"
            << EvalStatus::RuntimeError;
        QTest::newRow("python exception during the run")
            << "{\"compiled\": true, \"correctness\": false, \"metadata\": {\"runtime_error\": \"unsupported "
               "operand\", \"runtime_error_name\": \"builtins.TypeError\"}}"
            << EvalStatus::RuntimeError;
        QTest::newRow("compilation error")
            << "{\"compiled\": false, \"correctness\": false, \"metadata\": {\"compilation_error\": \"nvcc "
               "failed\", \"compilation_error_name\": \"RuntimeError\"}}"
            << EvalStatus::CompileError;
        QTest::newRow("null runtime error is none")
            << "{\"compiled\": true, \"correctness\": false, \"metadata\": {\"runtime_error\": null}}"
            << EvalStatus::Incorrect;
    }

    void kernelRlSignals()
    {
        QFETCH(QString, eval);
        QFETCH(EvalStatus, status);
        const std::string e = eval.toStdString();
        TraceRecord r = parse(withEval(e));
        QCOMPARE(r.issue, TraceIssue::None);
        QCOMPARE(r.status, status);
        // Every other reader of status-less dicts agrees (stored and imported JSON).
        QCOMPARE(resultFromJson(json::parse(e)).status, status);
    }
};

QTEST_GUILESS_MAIN(TestTraceParser)
#include "tst_trace_parser.moc"
