// The zygote event-line parser and command lines (resources/evaluator/PROTOCOL.md).
#include "core/local/ZygoteEvent.h"

#include "tests/TestPrinters.h"

#include <QtTest>
#include <fstream>

using namespace kw;
using Type = ZygoteEvent::Type;

Q_DECLARE_METATYPE(ZygoteEvent::Type)

#define COMPARE_TYPE(actual, expected)                                                                       \
    QVERIFY2((actual) == (expected),                                                                         \
             qPrintable(QString("got %1, expected %2")                                                       \
                            .arg(QString::fromStdString(std::string(kw::toString(actual))),                  \
                                 QString::fromStdString(std::string(kw::toString(expected))))))

class TestZygoteProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void types_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<ZygoteEvent::Type>("type");
        QTest::newRow("ready")
            << "{\"event\":\"ready\",\"pid\":12,\"python\":\"3.11.2\",\"torch\":\"2.5\",\"cuda_available\":"
               "true,\"target\":\"cuda:0\",\"isolation\":[\"setsid\",\"pdeathsig\"]}"
            << Type::Ready;
        QTest::newRow("pong") << "{\"event\":\"pong\"}" << Type::Pong;
        QTest::newRow("started") << "{\"event\":\"started\",\"job\":\"t1\",\"pid\":4242}" << Type::Started;
        QTest::newRow("progress")
            << "{\"event\":\"progress\",\"job\":\"t1\",\"stage\":\"checking\",\"detail\":\"trial 2/5\"}"
            << Type::Progress;
        QTest::newRow("result") << "{\"event\":\"result\",\"job\":\"t1\",\"result\":{\"status\":\"correct\"}}"
                                << Type::Result;
        QTest::newRow("exited") << "{\"event\":\"exited\",\"job\":\"t1\",\"pid\":4242,\"exit_code\":0,"
                                   "\"signal\":null,\"log_tail\":\"hi\\n\",\"log_bytes\":3,\"result_"
                                   "received\":true,\"channel_error\":null,\"max_rss_kb\":1000}"
                                << Type::Exited;
        QTest::newRow("crlf") << "{\"event\":\"pong\"}\r\n" << Type::Pong;
        QTest::newRow("garbage") << "Traceback (most recent call last):" << Type::Invalid;
        QTest::newRow("empty") << "" << Type::Invalid;
        QTest::newRow("array") << "[1,2]" << Type::Invalid;
        QTest::newRow("no event key") << "{\"job\":\"t1\"}" << Type::Invalid;
        QTest::newRow("unknown event") << "{\"event\":\"bogus\",\"job\":\"t1\"}" << Type::Invalid;
        QTest::newRow("started without job") << "{\"event\":\"started\",\"pid\":4242}" << Type::Invalid;
        QTest::newRow("started pid 1") << "{\"event\":\"started\",\"job\":\"t1\",\"pid\":1}" << Type::Invalid;
        QTest::newRow("started pid string")
            << "{\"event\":\"started\",\"job\":\"t1\",\"pid\":\"42\"}" << Type::Invalid;
        QTest::newRow("result not object")
            << "{\"event\":\"result\",\"job\":\"t1\",\"result\":\"correct\"}" << Type::Invalid;
        QTest::newRow("result null") << "{\"event\":\"result\",\"job\":\"t1\",\"result\":null}"
                                     << Type::Invalid;
        QTest::newRow("truncated") << "{\"event\":\"exited\",\"job\":\"t1\",\"pid\":42,\"exit_co"
                                   << Type::Invalid;
        QTest::newRow("event not string") << "{\"event\":3}" << Type::Invalid;
    }
    void types()
    {
        QFETCH(QString, line);
        QFETCH(ZygoteEvent::Type, type);
        const std::string s = line.toStdString();
        const ZygoteEvent e = parseZygoteEvent(s);
        COMPARE_TYPE(e.type, type);
        if (type == Type::Invalid)
            QVERIFY(!e.error.empty());
    }

    void readyFields()
    {
        auto e = parseZygoteEvent(
            "{\"event\":\"ready\",\"pid\":12,\"python\":\"3.11.2\",\"torch\":\"2.5.1\",\"cuda_available\":"
            "true,\"target\":\"cuda:0\",\"isolation\":[\"setsid\",\"pdeathsig\",7]}");
        QCOMPARE(e.pid, 12LL);
        QCOMPARE(e.python, std::string("3.11.2"));
        QCOMPARE(e.torch, std::string("2.5.1"));
        QVERIFY(e.cudaAvailable);
        QCOMPARE(e.target, std::string("cuda:0"));
        QCOMPARE(e.isolation.size(), std::size_t(2)); // the number is skipped
    }

    void exitedFields()
    {
        auto e =
            parseZygoteEvent("{\"event\":\"exited\",\"job\":\"j\",\"pid\":99,\"exit_code\":null,\"signal\":"
                             "11,\"log_tail\":\"boom\",\"log_bytes\":1234567,\"result_received\":false,"
                             "\"channel_error\":\"closed without a result\",\"max_rss_kb\":2048}");
        COMPARE_TYPE(e.type, Type::Exited);
        QCOMPARE(e.job, std::string("j"));
        QVERIFY(!e.exitCode);
        QCOMPARE(e.signal.value_or(0), 11);
        QCOMPARE(e.logTail, std::string("boom"));
        QCOMPARE(e.logBytes, 1234567LL);
        QVERIFY(!e.resultReceived);
        QCOMPARE(e.channelError, std::string("closed without a result"));
        QCOMPARE(e.maxRssKb, 2048LL);

        auto ok = parseZygoteEvent(
            "{\"event\":\"exited\",\"job\":\"j\",\"pid\":99,\"exit_code\":0,\"signal\":null}");
        QCOMPARE(ok.exitCode.value_or(-1), 0);
        QVERIFY(!ok.signal);
        QVERIFY(ok.channelError.empty());
    }

    void resultKeepsDocument()
    {
        auto e = parseZygoteEvent("{\"event\":\"result\",\"job\":\"j\",\"result\":{\"status\":\"incorrect\","
                                  "\"metadata\":{\"max_difference\":0.5}}}");
        QCOMPARE(e.result["status"].get<std::string>(), std::string("incorrect"));
        QCOMPARE(e.result["metadata"]["max_difference"].get<double>(), 0.5);
    }

    void invalidErrorIsCapped()
    {
        const std::string huge(100000, 'x');
        auto e = parseZygoteEvent(huge);
        COMPARE_TYPE(e.type, Type::Invalid);
        QVERIFY(e.error.size() < 400);
    }

    void commandsAreOneLine()
    {
        nlohmann::json req{{"id", "a"}, {"kernel_code", "line1\nline2\n\"quoted\"\t\x01"}};
        const std::string cmd = zygoteEvalCommand("t7-run-0", req);
        QCOMPARE(std::count(cmd.begin(), cmd.end(), '\n'), 1L);
        QCOMPARE(cmd.back(), '\n');
        auto back = nlohmann::json::parse(cmd);
        QCOMPARE(back["op"].get<std::string>(), std::string("eval"));
        QCOMPARE(back["job"].get<std::string>(), std::string("t7-run-0"));
        QCOMPARE(back["request"]["kernel_code"].get<std::string>(), req["kernel_code"].get<std::string>());
        QCOMPARE(nlohmann::json::parse(zygotePingCommand())["op"].get<std::string>(), std::string("ping"));
        QCOMPARE(nlohmann::json::parse(zygoteShutdownCommand())["op"].get<std::string>(),
                 std::string("shutdown"));
    }

    void invalidUtf8InSourceDoesNotThrow()
    {
        nlohmann::json req{{"kernel_code", std::string("bad \xff\xfe bytes")}};
        const std::string cmd = zygoteEvalCommand("j", req);
        QVERIFY(nlohmann::json::accept(cmd));
    }

    // Lines recorded from a real zygote session (tests/fixtures/fake_zygote/recorded_events.jsonl):
    // every line parses to a known event.
    void recordedSession()
    {
        const QByteArray dir = qgetenv("KW_TEST_FIXTURES");
        if (dir.isEmpty())
            QSKIP("KW_TEST_FIXTURES is not set");
        std::ifstream in(dir.toStdString() + "/fake_zygote/recorded_events.jsonl");
        if (!in)
            QSKIP("no recorded session");
        int n = 0;
        for (std::string line; std::getline(in, line);) {
            if (line.empty())
                continue;
            auto e = parseZygoteEvent(line);
            QVERIFY2(e.type != Type::Invalid, e.error.c_str());
            ++n;
        }
        QVERIFY(n >= 3);
    }
};

QTEST_GUILESS_MAIN(TestZygoteProtocol)
#include "tst_zygote_protocol.moc"
