// modal's log lines on recorded outputs (tests/fixtures/modal/): prefixes, timestamps, the
// evaluator's payload, the line buffer.
#include "core/modal/ModalLineBuffer.h"
#include "core/modal/ModalLogLine.h"
#include "tests/core/ModalFixtures.h"

#include <QTest>

using namespace kw;
using namespace kwtest;

class TestModalLogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!modalFixturesPresent())
            QSKIP("the modal recordings are missing (tests/fixtures/modal; KW_TEST_FIXTURES)");
    }
    void recordedLogs_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("timestamps");
        QTest::addColumn<bool>("containerIds");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            for (const char* follow : {"", "_follow"}) {
                const std::string base = std::string("app_logs") + follow;
                QTest::addRow("%s %s", v, base.c_str())
                    << v << QString::fromStdString(base) << false << false;
                QTest::addRow("%s %s_timestamps", v, base.c_str())
                    << v << QString::fromStdString(base + "_timestamps") << true << false;
                QTest::addRow("%s %s_show_container_id", v, base.c_str())
                    << v << QString::fromStdString(base + "_show_container_id") << false << true;
                QTest::addRow("%s %s_timestamps_show_container_id", v, base.c_str())
                    << v << QString::fromStdString(base + "_timestamps_show_container_id") << true << true;
            }
            QTest::addRow("%s container_logs", v) << v << "container_logs" << false << false;
            QTest::addRow("%s container_logs_timestamps", v)
                << v << "container_logs_timestamps" << true << false;
        }
    }
    void recordedLogs()
    {
        // Every prefixed recording, prefixes removed, is the plain recording line for line (the
        // indented traceback line keeps its indentation); the prefixes are on every line.
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(bool, timestamps);
        QFETCH(bool, containerIds);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 0); // -f ends with 0 when the app stops, and prints nothing more
        QVERIFY(rec.err.empty());
        const bool container = name.startsWith(QStringLiteral("container_logs"));
        const auto plain = linesOf(recorded(version, container ? "container_logs" : "app_logs").out);
        const auto raw = linesOf(rec.out);
        QCOMPARE(raw.size(), container ? std::size_t(2) : std::size_t(5));
        QCOMPARE(raw.size(), plain.size());
        const char* ids[] = {"ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA", "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA",
                             "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB", "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB",
                             "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"};
        for (std::size_t i = 0; i < raw.size(); ++i) {
            const auto l = parseModalLogLine(raw[i]);
            QCOMPARE(l.message, plain[i]);
            QCOMPARE(isClientTime(l.timestamp), timestamps);
            QCOMPARE(l.containerId, std::string(containerIds ? ids[i] : ""));
        }
        const auto first = parseModalLogLine(raw[0]);
        QCOMPARE(first.timestamp, std::string(timestamps ? "2026-12-06 22:00:00-08:00" : ""));
        QCOMPARE(first.message, std::string("Loading evaluator (torch 2.7.1, cuda 12.8)"));
        const auto r1 = parseModalLogLine(raw[1]);
        QVERIFY(r1.eval.has_value());
        QCOMPARE((*r1.eval)["id"].get<std::string>(), std::string("r1"));
        QCOMPARE((*r1.eval)["speedup"].get<double>(), 1.8);
        if (!container) {
            QCOMPARE(parseModalLogLine(raw[3]).message,
                     std::string("  File \"/root/modal_app.py\", line 372, in _run"));
            const auto r2 = parseModalLogLine(raw[4]);
            QVERIFY(r2.eval.has_value());
            QCOMPARE((*r2.eval)["status"].get<std::string>(), std::string("compile_error"));
        }
    }

    void logLinesWithPrefixes()
    {
        // The named copy of 1.5.4's `app logs --timestamps --show-container-id`.
        const auto lines = linesOf(fixture("logs_prefixed.txt"));
        QCOMPARE(lines.size(), std::size_t(5));
        const auto l0 = parseModalLogLine(lines[0]);
        QCOMPARE(l0.timestamp, std::string("2026-12-06 22:00:00-08:00"));
        QCOMPARE(l0.containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"));
        QCOMPARE(l0.message, std::string("Loading evaluator (torch 2.7.1, cuda 12.8)"));
        QVERIFY(!l0.eval);
        const auto l4 = parseModalLogLine(lines[4]);
        QCOMPARE(l4.containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QCOMPARE((*l4.eval)["status"].get<std::string>(), std::string("compile_error"));
    }

    void logLineVariants_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("ts");
        QTest::addColumn<QString>("cid");
        QTest::addColumn<QString>("msg");
        QTest::newRow("plain") << "hello world"
                               << ""
                               << ""
                               << "hello world";
        QTest::newRow("space timestamp") << "2026-08-21 09:38:10-07:00 hi"
                                         << "2026-08-21 09:38:10-07:00"
                                         << ""
                                         << "hi";
        QTest::newRow("zulu") << "2026-08-21T16:38:10Z msg"
                              << "2026-08-21T16:38:10Z"
                              << ""
                              << "msg";
        QTest::newRow("brackets") << "[2026-08-21T16:38:10.5+00:00] [ta-ABC123] x y"
                                  << "2026-08-21T16:38:10.5+00:00"
                                  << "ta-ABC123"
                                  << "x y";
        QTest::newRow("container first") << "ta-ABC123: 2026-08-21T16:38:10Z go"
                                         << "2026-08-21T16:38:10Z"
                                         << "ta-ABC123"
                                         << "go";
        QTest::newRow("ansi") << "\x1b[2m2026-08-21T16:38:10Z\x1b[0m \x1b[36mta-Q1\x1b[0m done"
                              << "2026-08-21T16:38:10Z"
                              << "ta-Q1"
                              << "done";
        QTest::newRow("not a prefix") << "ta-only-looks-like-it"
                                      << ""
                                      << ""
                                      << "ta-only-looks-like-it";
        QTest::newRow("crlf") << "2026-08-21T16:38:10Z text\r"
                              << "2026-08-21T16:38:10Z"
                              << ""
                              << "text";
        QTest::newRow("indented message") << "2026-12-06 22:00:03-08:00 ta-Q1   File \"x\""
                                          << "2026-12-06 22:00:03-08:00"
                                          << "ta-Q1"
                                          << "  File \"x\"";
        QTest::newRow("indented, no prefix") << "  File \"x\""
                                             << ""
                                             << ""
                                             << "  File \"x\"";
        QTest::newRow("date only is message") << "2026-08-21 is a date"
                                              << ""
                                              << ""
                                              << "2026-08-21 is a date";
    }
    void logLineVariants()
    {
        QFETCH(QString, line);
        QFETCH(QString, ts);
        QFETCH(QString, cid);
        QFETCH(QString, msg);
        auto l = parseModalLogLine(line.toStdString());
        QCOMPARE(QString::fromStdString(l.timestamp), ts);
        QCOMPARE(QString::fromStdString(l.containerId), cid);
        QCOMPARE(QString::fromStdString(l.message), msg);
    }

    void evalPayloadErrors()
    {
        auto l = parseModalLogLine("KERNELWATCH_EVAL {\"id\": \"x\", \"status\"");
        QVERIFY(!l.eval);
        QVERIFY(!l.evalError.empty());
        auto arr = parseModalLogLine("KERNELWATCH_EVAL [1,2]");
        QVERIFY(!arr.eval);
        QVERIFY(arr.evalError.find("not a JSON object") != std::string::npos);
        auto none = parseModalLogLine("KERNELWATCH_EVALUATION started");
        QVERIFY(!none.eval && none.evalError.empty());
    }

    void lineBufferSplitsAndCaps()
    {
        std::vector<std::pair<std::string, bool>> got;
        ModalLineBuffer b([&](std::string_view l, bool t) { got.emplace_back(std::string(l), t); }, 8);
        b.feed("ab");
        b.feed("c\r\nde");
        b.feed("f\n0123456789ABCDEF");
        b.feed("GH\nlast");
        b.finish();
        QCOMPARE(got.size(), std::size_t(4));
        QCOMPARE(got[0].first, std::string("abc"));
        QCOMPARE(got[1].first, std::string("def"));
        QCOMPARE(got[2].first, std::string("01234567"));
        QVERIFY(got[2].second);
        QCOMPARE(got[3].first, std::string("last"));
    }
};

QTEST_GUILESS_MAIN(TestModalLogs)
#include "tst_modal_logs.moc"
