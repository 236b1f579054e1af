// The traces.jsonl line parser on bad input: every kind of malformed line, every prefix, every
// byte flip, a crash's fragment followed by a record, cuts anywhere, a huge line.
#include "core/watch/TraceLineParser.h"
#include "tests/TestPrinters.h"
#include "tests/core/TraceFixtures.h"

#include <QElapsedTimer>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace kw;
using namespace kwtest;
using nlohmann::json;

class TestTraceBadInput : public QObject
{
    Q_OBJECT

private slots:
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
};

QTEST_GUILESS_MAIN(TestTraceBadInput)
#include "tst_trace_bad_input.moc"
