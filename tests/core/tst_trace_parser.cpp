// Parser tests for one traces.jsonl line: lines written by kernel_rl's own trace logger
// (tests/fixtures/kernel_rl) checked field by field against a full JSON parse and their status
// against the corpus's truth.jsonl, and every kind of bad input.
#include "core/base/JsonSanitizer.h"
#include "core/watch/TraceDetails.h"
#include "core/watch/TraceLineParser.h"
#include "core/watch/TraceResultBuilder.h"
#include "tests/KernelRlRuns.h"

#include "tests/TestPrinters.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

using namespace kw;
using nlohmann::json;

namespace {

std::vector<std::string> readLines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    std::string l;
    while (std::getline(in, l))
        lines.push_back(l);
    return lines;
}

TraceRecord parse(std::string_view line, TraceLineSpans* spans = nullptr, std::uint64_t offset = 0)
{
    TraceRecord r;
    r.offset = offset;
    parseTraceLine(line, r, spans);
    return r;
}

const std::string kGood =
    "{\"mode\": \"multi_turn\", \"level\": 1, \"problem_id\": 19, \"backend\": \"triton\", \"turn\": 2, "
    "\"max_turns\": 4, "
    "\"prompt_messages\": [{\"role\": \"system\", \"content\": \"be \\\"fast\\\"\"}, "
    "{\"role\": \"user\", \"content\": \"x\"}], "
    "\"response\": {\"raw\": \"r\", \"thought\": \"t\", \"kernel\": \"k\", \"format_ok\": true}, "
    "\"eval_result\": {\"format_ok\": true, \"compiled\": true, \"correctness\": true, \"tests_passed\": 5, "
    "\"tests_total\": 5, "
    "\"speedup\": 1.5, \"runtime_ms\": 2.0, \"baseline_runtime_ms\": 3.0, \"cheated\": false, "
    "\"error_message\": null, "
    "\"code_length\": 10, \"metadata\": {\"hardware\": \"H100\"}}, \"reward\": 1.3, "
    "\"reward_breakdown\": {\"reward_format\": 0.1, \"reward_compile\": 0.2, \"reward_correctness\": 1.0, "
    "\"reward_speed\": 0.0, \"reward_length\": 0.0, \"reward_thinking\": 0.0, \"reward_total\": 1.3}, "
    "\"metrics\": {\"turn\": 2}, \"state\": {\"turn_idx\": 3, \"done\": true, \"success\": true, "
    "\"step_scores\": [1.3]}, "
    "\"history_entry\": {\"turn\": 2}, \"timestamp\": 1764000001.5, \"stop_condition\": [\"<|im_end|>\"]}";

TraceContext ctx(const std::string& run, const std::string& path)
{
    TraceContext c;
    c.run = run;
    c.tracesPath = path;
    return c;
}

std::string withEval(const std::string& eval)
{
    return "{\"mode\": \"m\", \"level\": 2, \"problem_id\": \"7_x\", \"turn\": 0, \"eval_result\": " + eval +
           "}";
}

} // namespace

class TestTraceParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
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

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<TraceIssue>("issue");
        QTest::newRow("empty") << QByteArray() << TraceIssue::InvalidJson;
        QTest::newRow("garbage") << QByteArray("not json at all") << TraceIssue::InvalidJson;
        QTest::newRow("array") << QByteArray("[1, 2, 3]") << TraceIssue::NotObject;
        QTest::newRow("string") << QByteArray("\"x\"") << TraceIssue::NotObject;
        QTest::newRow("number") << QByteArray("42") << TraceIssue::NotObject;
        QTest::newRow("two values") << QByteArray("1 2") << TraceIssue::InvalidJson;
        QTest::newRow("empty object") << QByteArray("{}") << TraceIssue::MissingFields;
        QTest::newRow("no eval_result")
            << QByteArray("{\"level\": 1, \"problem_id\": 3}") << TraceIssue::MissingFields;
        QTest::newRow("eval_result null")
            << QByteArray("{\"level\": 1, \"eval_result\": null}") << TraceIssue::MissingFields;
        QTest::newRow("double comma")
            << QByteArray("{\"level\": 1,, \"eval_result\": {}}") << TraceIssue::InvalidJson;
        QTest::newRow("unquoted key") << QByteArray("{level: 1}") << TraceIssue::InvalidJson;
        QTest::newRow("truncated") << QByteArray("{\"level\": 1, \"eval_result\": {\"compiled\": tr")
                                   << TraceIssue::Truncated;
        QTest::newRow("unterminated string") << QByteArray("{\"mode\": \"multi") << TraceIssue::Truncated;
        QTest::newRow("binary") << QByteArray("\x00\x01\x02garbage\xff", 11) << TraceIssue::Binary;
        QTest::newRow("nul inside string") << QByteArray("{\"mode\": \"a"
                                                         "\0"
                                                         "b\", \"eval_result\": {}}",
                                                         34)
                                           << TraceIssue::Binary;
        QTest::newRow("lone brace") << QByteArray("{") << TraceIssue::Truncated;
        QTest::newRow("closing only") << QByteArray("}") << TraceIssue::InvalidJson;
        QTest::newRow("bad literal") << QByteArray("{\"eval_result\": {\"compiled\": trve}}")
                                     << TraceIssue::InvalidJson;
        QTest::newRow("bad number") << QByteArray("{\"eval_result\": {\"speedup\": 1.2.3}}")
                                    << TraceIssue::InvalidJson;
        QTest::newRow("nan word") << QByteArray("{\"eval_result\": {\"speedup\": nan}}")
                                  << TraceIssue::InvalidJson;
        QTest::newRow("trailing data ok")
            << QByteArray("{\"eval_result\": {\"compiled\": false}} xyz") << TraceIssue::None;
        QTest::newRow("escaped quotes")
            << QByteArray("{\"mode\": \"a\\\\\\\"b\\\\\", \"eval_result\": {}}") << TraceIssue::None;
        QTest::newRow("non-utf8 in strings")
            << QByteArray(
                   "{\"mode\": \"\xff\xfe\xc3\", \"backend\": \"tri\xe2\x82ton\", \"eval_result\": {}}")
            << TraceIssue::None;
        QTest::newRow("bad escapes") << QByteArray("{\"mode\": \"\\q\\u12\\ud800\", \"eval_result\": {}}")
                                     << TraceIssue::None;
        QTest::newRow("deep nesting") << (QByteArray("{\"eval_result\": {}, \"x\": ") +
                                          QByteArray(200000, '[') + QByteArray(200000, ']') + "}")
                                      << TraceIssue::None;
        QTest::newRow("deep nesting, cut")
            << (QByteArray("{\"eval_result\": ") + QByteArray(500000, '[')) << TraceIssue::Truncated;
    }

    void badInput()
    {
        QFETCH(QByteArray, line);
        QFETCH(TraceIssue, issue);
        TraceLineSpans spans;
        TraceRecord r = parse(std::string_view(line.constData(), std::size_t(line.size())), &spans);
        QCOMPARE(int(r.issue), int(issue));
        QCOMPARE(r.length, std::uint32_t(line.size()));
        if (r.valid()) {
            // Strings that were kept are valid UTF-8 (they end up in JSON output and the store).
            json probe = {{"mode", std::string(r.mode)}, {"backend", std::string(r.backend)}};
            QVERIFY(!probe.dump().empty());
            EvalResult res = buildTraceResult(r, spans, ctx("r", "/t"));
            QVERIFY(!toJson(res).dump().empty());
        }
    }

    void everyPrefixIsTruncated()
    {
        // A writer killed mid-line leaves a prefix: every prefix of a good line reads as truncated.
        for (std::size_t k = 1; k < kGood.size(); ++k) {
            TraceRecord r = parse(std::string_view(kGood).substr(0, k));
            if (r.issue != TraceIssue::Truncated)
                QFAIL(qPrintable(QStringLiteral("prefix of %1 bytes: %2")
                                     .arg(k)
                                     .arg(QString::fromStdString(std::string(traceIssueName(r.issue))))));
        }
    }

    void everyByteFlipIsSafe()
    {
        // Not a fuzzer (tests/fuzz has those), but every single-byte corruption must be handled.
        std::string line = kGood;
        for (std::size_t i = 0; i < line.size(); ++i) {
            for (char c : {'\0', '"', '{', '}', '\\', '\xff', ' ', ','}) {
                std::string bad = line;
                bad[i] = c;
                TraceLineSpans spans;
                TraceRecord r = parse(bad, &spans);
                if (r.valid())
                    (void)buildTraceResult(r, spans, ctx("r", "/t"));
            }
        }
    }

    void recoversRecordAfterFragment()
    {
        const std::string fragment = kGood.substr(0, 150);
        const std::string line = fragment + kGood;
        TraceLineSpans spans;
        TraceRecord r = parse(line, &spans, 500);
        QCOMPARE(r.issue, TraceIssue::Recovered);
        QVERIFY(r.valid());
        QCOMPARE(r.offset, std::uint64_t(500 + fragment.size()));
        QCOMPARE(r.length, std::uint32_t(kGood.size()));
        QCOMPARE(spans.recordStart, fragment.size());
        QCOMPARE(r.idHash, traceLineHash(r.offset, kGood));
        QCOMPARE(r.speedup, 1.5);
    }

    void cutAnywhereNeverMergesTwoRecords()
    {
        // A crash cuts a record anywhere; the resumed writer appends the next, different record on
        // the same line. At every cut position the row is either the later record (Recovered) or
        // no record, never the fragment's problem with the next record's verdict (which bracket
        // counting alone produced whenever the cut fell inside a skipped member).
        std::string next = kGood;
        const std::string problemFrom = "\"problem_id\": 19", speedupFrom = "\"speedup\": 1.5";
        next.replace(next.find(problemFrom), problemFrom.size(), "\"problem_id\": 42");
        next.replace(next.find(speedupFrom), speedupFrom.size(), "\"speedup\": 2.5");
        int recovered = 0;
        for (std::size_t cut = 13; cut < kGood.size(); ++cut) {
            const std::string line = kGood.substr(0, cut) + next;
            TraceRecord r = parse(line);
            if (r.issue == TraceIssue::Recovered) {
                ++recovered;
                QCOMPARE(r.problem(), std::string("level1/42"));
                QCOMPARE(r.speedup, 2.5);
                QCOMPARE(r.offset, std::uint64_t(cut));
            } else {
                QVERIFY2(!r.valid(), ("merged row at cut " + std::to_string(cut)).c_str());
            }
        }
        QCOMPARE(recovered, int(kGood.size()) - 13);
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

    void hugeLineIsFast()
    {
        // 100 MB in one string member: skipped with memchr, not decoded.
        std::string line = "{\"prompt_messages\": [{\"role\": \"user\", \"content\": \"";
        line.append(100u << 20, 'a');
        line += "\"}], \"eval_result\": {\"compiled\": true, \"correctness\": true, \"speedup\": 2.0}, "
                "\"level\": 1}";
        QElapsedTimer t;
        t.start();
        TraceRecord r = parse(line);
        QCOMPARE(r.issue, TraceIssue::None);
        QCOMPARE(r.speedup, 2.0);
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        // Escaped quotes every other byte: the worst case for the string skipper.
        std::string esc = "{\"x\": \"";
        for (int i = 0; i < (4 << 20); ++i)
            esc += "\\\"";
        esc += "\", \"eval_result\": {\"compiled\": false}}";
        t.restart();
        QCOMPARE(parse(esc).issue, TraceIssue::None);
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    }

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

QTEST_GUILESS_MAIN(TestTraceParser)
#include "tst_trace_parser.moc"
