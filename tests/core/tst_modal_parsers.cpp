// Pure parsers of modal's output, on recorded outputs in tests/fixtures/modal/, and the
// error classifier on recorded failures.
#include "core/modal/ModalAppHistory.h"
#include "core/modal/ModalAppList.h"
#include "core/modal/ModalContainerList.h"
#include "core/modal/ModalDeployOutput.h"
#include "core/modal/ModalErrorBox.h"
#include "core/modal/ModalErrorClassifier.h"
#include "core/modal/ModalLineBuffer.h"
#include "core/modal/ModalLogLine.h"
#include "core/modal/ModalSecrets.h"
#include "core/modal/ModalTokenInfo.h"
#include "core/modal/ModalVersion.h"
#include "tests/TestPaths.h"

#include <QRegularExpression>
#include <QTest>
#include <fstream>
#include <sstream>

using namespace kw;

namespace {

std::string fixture(const std::string& name)
{
    std::ifstream f(kwtest::fixturesPath() + "/modal/" + name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// One recorded case of the real client: tests/fixtures/modal/<version>/<name>.{stdout,stderr,exit}.
struct Recorded
{
    std::string out, err;
    int exitCode = -1;
    std::string joined() const { return out + "\n" + err; } // what ModalCli hands the parsers
};

Recorded recorded(const QString& version, const std::string& name)
{
    const std::string base = version.toStdString() + "/" + name;
    Recorded r;
    r.out = fixture(base + ".stdout");
    r.err = fixture(base + ".stderr");
    const std::string code = fixture(base + ".exit");
    if (!code.empty())
        r.exitCode = std::stoi(code);
    return r;
}

std::vector<std::string> linesOf(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        out.push_back(line);
    return out;
}

std::string lastNonEmptyLine(const std::string& text)
{
    std::string last;
    for (const auto& l : linesOf(text))
        if (!l.empty())
            last = l;
    return last;
}

void bothVersions()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("1.5.4") << "1.5.4";
    QTest::newRow("1.4.2") << "1.4.2";
}

// "YYYY-MM-DD HH:MM:SS±HH:MM": how both clients print times in --json and --timestamps.
bool isClientTime(const std::string& s)
{
    static const QRegularExpression re(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d$"));
    return re.match(QString::fromStdString(s)).hasMatch();
}

} // namespace

class TestModalParsers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (fixture("app_list.json").empty() || fixture("1.5.4/app_list.stdout").empty() ||
            fixture("1.4.2/app_list.stdout").empty())
            QSKIP("fixtures not found: set KW_TEST_FIXTURES");
    }

    void appList_data() { bothVersions(); }
    void appList()
    {
        // 1.5.4 prints snake_case keys, 1.4.2 the column titles; the same seven apps, one per
        // state the client prints.
        QFETCH(QString, version);
        const auto rec = recorded(version, "app_list");
        QCOMPARE(rec.exitCode, 0);
        auto p = parseModalAppList(rec.out);
        QVERIFY2(p.ok(), p.error.c_str());
        struct Row
        {
            const char* name;
            const char* state;
            int tasks;
            const char* createdAt;
            const char* stoppedAt;
            bool running;
        };
        const Row want[] = {
            {"kernel-rl-evaluator", "deployed", 2, "2026-12-06 22:00:00-08:00", "", true},
            {"kernelwatch-dev", "ephemeral (detached)", 1, "2026-12-06 22:24:45-08:00", "", true},
            {"scratch-run", "ephemeral", 1, "2026-12-06 22:26:50-08:00", "", true},
            {"warming-up", "initializing...", 0, "2026-12-06 22:27:50-08:00", "", true},
            {"winding-down", "stopping...", 1, "2026-12-06 20:21:50-08:00", "", false},
            {"old-evaluator", "disabled", 0, "2026-11-16 15:21:50-08:00", "", false},
            {"scratch-notebook", "stopped", 0, "2026-12-06 20:21:51-08:00", "2026-12-06 20:52:34-08:00",
             false},
        };
        QCOMPARE(p.value.size(), std::size(want));
        for (std::size_t i = 0; i < std::size(want); ++i) {
            const ModalApp& a = p.value[i];
            QCOMPARE(a.description, std::string(want[i].name));
            QCOMPARE(a.state, std::string(want[i].state));
            QCOMPARE(a.tasks, want[i].tasks);
            QCOMPARE(a.createdAt, std::string(want[i].createdAt));
            QCOMPARE(a.stoppedAt, std::string(want[i].stoppedAt));
            QVERIFY(isClientTime(a.createdAt));
            QVERIFY(a.appId.rfind("ap-", 0) == 0 && a.appId.size() == 25);
            QVERIFY2(a.isRunning() == want[i].running, a.state.c_str());
            QCOMPARE(a.isDeployed(), i == 0);
        }
        QCOMPARE(p.value[0].appId, std::string("ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG"));
        auto found = findModalApp(p.value, "kernel-rl-evaluator");
        QVERIFY(found && found->isDeployed());
        QVERIFY(!findModalApp(p.value, "nope"));

        // Not deployed: the evaluator missing, the others listed; no apps at all: "[]".
        auto notDeployed = parseModalAppList(recorded(version, "app_list_not_deployed").out);
        QVERIFY2(notDeployed.ok(), notDeployed.error.c_str());
        QVERIFY(!notDeployed.value.empty());
        QVERIFY(!findModalApp(notDeployed.value, "kernel-rl-evaluator"));
        auto empty = parseModalAppList(recorded(version, "app_list_empty").out);
        QVERIFY2(empty.ok(), empty.error.c_str());
        QVERIFY(empty.value.empty());
    }

    void appListAfterAWarningLine()
    {
        // Not recorded (no recorded client prints a warning before its JSON): the JSON after a
        // line of text is still read.
        auto p = parseModalAppList(fixture("app_list_with_warning.txt"));
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(3));
        QCOMPARE(p.value[0].description, std::string("kernel-rl-evaluator"));
        QVERIFY(p.value[0].isDeployed());
    }

    void appListFailures()
    {
        QVERIFY(!parseModalAppList("").ok());
        QVERIFY(!parseModalAppList("Apps\n  (table)\n").ok());
        QVERIFY(!parseModalAppList("[{\"app_id\": \"ap-1\", \"description\": ").ok());
        QVERIFY(!parseModalAppList("{\"app_id\": 1}").ok());
        auto partial = parseModalAppList(R"([{"app_id":"ap-1","tasks":"3"},{"description":"x"},7])");
        QVERIFY(!partial.ok());
        QCOMPARE(partial.value.size(), std::size_t(1));
        QCOMPARE(partial.value[0].tasks, 3);
        auto numericTasks = parseModalAppList(R"([{"app_id":"ap-2","tasks":4,"stopped_at":null}])");
        QVERIFY(numericTasks.ok());
        QCOMPARE(numericTasks.value[0].tasks, 4);
    }

    void containerList_data() { bothVersions(); }
    void containerList()
    {
        // The client lists the running container first and the pending one second: the parser
        // keeps that order and assumes none.
        QFETCH(QString, version);
        auto p = parseModalContainerList(recorded(version, "container_list").out);
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(2));
        QCOMPARE(p.value[0].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"));
        QVERIFY(!p.value[0].pending);
        QCOMPARE(p.value[0].startTime, std::string("2026-12-06 22:01:52-08:00"));
        QVERIFY(isClientTime(p.value[0].startTime));
        QCOMPARE(p.value[1].containerId, std::string("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QVERIFY(p.value[1].pending);
        QVERIFY(p.value[1].startTime.empty());
        for (const auto& c : p.value) {
            QCOMPARE(c.appName, std::string("kernel-rl-evaluator"));
            QCOMPARE(c.appId, std::string("ap-Q2VhYmJ4ZnNrZ2ZhcnR5NG"));
        }
        auto empty = parseModalContainerList(recorded(version, "container_list_empty").out);
        QVERIFY2(empty.ok(), empty.error.c_str());
        QVERIFY(empty.value.empty());
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

    void deploySuccess_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<double>("seconds");
        QTest::newRow("1.5.4") << "1.5.4" << 0.132; // "✓ App deployed in 0.132s! 🎉"
        QTest::newRow("1.4.2") << "1.4.2" << 0.165;
    }
    void deploySuccess()
    {
        QFETCH(QString, version);
        QFETCH(double, seconds);
        const auto rec = recorded(version, "deploy");
        auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
        QVERIFY2(d.success, d.error.c_str());
        QVERIFY(!d.skipped);
        QCOMPARE(d.webFunctions.size(), std::size_t(1));
        QCOMPARE(d.webFunctions[0].name, std::string("evaluate_http"));
        QCOMPARE(d.webFunctions[0].url,
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        QVERIFY(d.webFunctions[0].proxyAuth); // the line ends with " 🔑"
        QCOMPARE(modalEndpointUrl(d), d.webFunctions[0].url);
        QVERIFY(d.deploySeconds && std::abs(*d.deploySeconds - seconds) < 1e-9);
        QCOMPARE(d.deploymentUrl,
                 std::string("https://modal.com/apps/kernel-lab/main/deployed/kernel-rl-evaluator"));
        QVERIFY(d.appPageUrl.empty()); // `modal deploy` prints no "View run at"
        const std::vector<std::string> objects = {
            "mount /work/wt-modalrec/resources/evaluator/modal_app.py",
            "mount /work/wt-modalrec/resources/evaluator/kernelwatch_eval",
            "web function evaluate_http => https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run",
            "function KernelEvaluator.*",
        };
        QCOMPARE(d.createdObjects, objects);
        QVERIFY(d.error.empty());
        // The named copy (1.5.4) reads the same.
        if (version == QStringLiteral("1.5.4"))
            QCOMPARE(parseModalDeployOutput(fixture("deploy_success.txt"), 0).createdObjects, objects);
        // "App deployed" text but a failing exit code is a failure.
        QVERIFY(!parseModalDeployOutput(rec.joined(), 1).success);
    }

    void deploySkipped_data() { bothVersions(); }
    void deploySkipped()
    {
        // A redeploy that changes nothing: "✓ Deployment skipped: no changes detected! ⏭️", exit 0.
        QFETCH(QString, version);
        const auto rec = recorded(version, "deploy_skipped");
        QCOMPARE(rec.exitCode, 0);
        const auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
        QVERIFY2(d.success, d.error.c_str());
        QVERIFY(d.skipped);
        QVERIFY(!d.deploySeconds);
        QCOMPARE(modalEndpointUrl(d),
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        QCOMPARE(d.deploymentUrl,
                 std::string("https://modal.com/apps/kernel-lab/main/deployed/kernel-rl-evaluator"));
        const auto skippedLine = linesOf(rec.out).at(linesOf(rec.out).size() - 3);
        QCOMPARE(modalDeployStageOf(skippedLine), ModalDeployStage::Deployed);
        QVERIFY(!parseModalDeployOutput(rec.joined(), 1).success);
    }

    void deployTracebackPanel_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("exception");
        QTest::addColumn<QString>("frame");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s raises", v) << v << "deploy_raises"
                                          << "ValueError: unknown GPU type 'V100': "
                                          << "modal_app.py:98 in deploy_settings";
            QTest::addRow("%s missing file", v) << v << "deploy_missing_file"
                                                << "FileNotFoundError: [Errno 2] No such file or directory: "
                                                << "in import_file_or_module";
        }
    }
    void deployTracebackPanel()
    {
        // An exception in the app file: rich's "Traceback (most recent call last)" panel on
        // stderr, then the exception line, exit 1. The exception is the error, the panel the detail.
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(QString, exception);
        QFETCH(QString, frame);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 1);
        const std::string last = lastNonEmptyLine(rec.err); // the line after the panel
        QVERIFY(last.rfind(exception.toStdString(), 0) == 0);
        const auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
        QVERIFY(!d.success);
        QCOMPARE(d.error, last);
        QVERIFY2(d.errorDetail.find(frame.toStdString()) != std::string::npos, d.errorDetail.c_str());
        for (const auto& l : linesOf(d.errorDetail)) { // borders removed (│ inside is rich's indent guide)
            QVERIFY2(l.rfind("\xe2\x94\x82", 0) != 0, l.c_str());
            QVERIFY2(l.size() < 3 || l.substr(l.size() - 3) != "\xe2\x94\x82", l.c_str());
        }
        QVERIFY(d.errorDetail.find("Traceback") == std::string::npos);
        QCOMPARE(lastTracebackLine(rec.err), last);
        const auto diag = classifyModalOutput(rec.joined(), rec.exitCode);
        QCOMPARE(diag.detail, last);
        QCOMPARE(modalDeployStageOf(linesOf(rec.err).at(0)), ModalDeployStage::Failed);
    }

    void deployFailures()
    {
        // The named copies: deploy_traceback.txt is 1.5.4's deploy_raises, deploy_cuda.txt its
        // deploy_image_build_failed (stdout, blank line, stderr).
        auto tb = parseModalDeployOutput(fixture("deploy_traceback.txt"), 1);
        QVERIFY(!tb.success);
        QVERIFY2(tb.error.rfind("ValueError: unknown GPU type 'V100'", 0) == 0, tb.error.c_str());
        auto cuda = parseModalDeployOutput(fixture("deploy_cuda.txt"), 1);
        QVERIFY(!cuda.success);
        QVERIFY2(cuda.error.rfind("Image build for im-1 failed.", 0) == 0, cuda.error.c_str());
        QCOMPARE(classifyModalOutput(fixture("deploy_cuda.txt"), 1).cause, ModalCause::CudaArchMismatch);
        for (const char* v : {"1.5.4", "1.4.2"}) {
            const auto rec = recorded(v, "deploy_image_build_failed");
            const auto d = parseModalDeployOutput(rec.joined(), rec.exitCode);
            QVERIFY(!d.success);
            QVERIFY2(d.error.rfind("Image build for im-1 failed.", 0) == 0, d.error.c_str());
            QVERIFY(d.errorDetail.empty());
        }
        QVERIFY(!parseModalDeployOutput("", -1).success);
    }

    void serveOutput_data() { bothVersions(); }
    void serveOutput()
    {
        QFETCH(QString, version);
        const auto rec = recorded(version, "serve");
        const auto d = parseModalDeployOutput(rec.joined(), -1);
        QCOMPARE(modalEndpointUrl(d),
                 std::string("https://kernel-lab--kernel-rl-evaluator-evaluate-http-dev.modal.run"));
        QCOMPARE(d.appPageUrl, std::string("https://modal.com/apps/kernel-lab/main/ap-1"));
    }

    void modalVersions()
    {
        QCOMPARE(modalVersionProblem("modal client version: 1.5.4"), std::string());
        QCOMPARE(modalVersionProblem("modal, version 1.4.2"), std::string());
        QCOMPARE(modalVersionProblem("1.10.0"), std::string());
        const std::string old = modalVersionProblem("modal client version: 1.2.4");
        QVERIFY2(old.find("1.2.4 is too old") != std::string::npos, old.c_str());
        QVERIFY2(old.find("pip install -U 'modal>=1.4.2'") != std::string::npos, old.c_str());
        QVERIFY2(old.find("kernel_rl") != std::string::npos, old.c_str());
        QVERIFY(!modalVersionProblem("1.4.1").empty());
        QVERIFY(!modalVersionProblem("no digits").empty());
        const auto v = parseModalVersion("modal 1.4.2.dev3");
        QVERIFY(v && v->major == 1 && v->minor == 4 && v->patch == 2);
        QVERIFY(!parseModalVersion("py3.11-x").has_value() || parseModalVersion("py3.11-x")->minor == 11);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("kernelwatchsMistake");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s unknown command", v) << v << "usage_unknown_command"
                                                   << "No such command 'frobnicate'." << false;
            QTest::addRow("%s container logs --show-container-id", v)
                << v << "container_logs_show_container_id"
                << "No such option: --show-container-id" << true;
        }
        QTest::newRow("1.5.4 app history without a name") << "1.5.4"
                                                          << "app_history_missing_arg"
                                                          << "Missing argument 'APP_IDENTIFIER'." << false;
    }
    void usageErrors()
    {
        // click's usage errors, exit 2: 1.5.4 plain ("Error: …" after "Usage:" and "Try …"),
        // 1.4.2 in an "Error" box as wide as COLUMNS.
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(QString, message);
        QFETCH(bool, kernelwatchsMistake);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 2);
        QVERIFY(rec.err.rfind("Usage: modal ", 0) == 0);
        const bool boxed = rec.err.find("\xe2\x95\xad\xe2\x94\x80 Error ") != std::string::npos;
        QCOMPARE(boxed, version == QStringLiteral("1.4.2"));
        QCOMPARE(extractModalErrorBox(rec.err), message.toStdString());
        const auto d = classifyModalOutput(rec.joined(), rec.exitCode);
        QCOMPARE(d.cause, ModalCause::UsageError);
        QCOMPARE(d.detail, message.toStdString());
        QCOMPARE(d.summary.find("kernelwatch passed an option this modal command does not take") == 0,
                 kernelwatchsMistake);
        QCOMPARE(d.fix.find("pip install") == std::string::npos, kernelwatchsMistake);
    }

    void appLogsWithoutANamePrintsHelp_data() { bothVersions(); }
    void appLogsWithoutANamePrintsHelp()
    {
        // Why ModalCli never runs `modal app logs` without a name: help on stdout, exit 0.
        QFETCH(QString, version);
        const auto rec = recorded(version, "app_logs_missing_arg");
        QCOMPARE(rec.exitCode, 0);
        QVERIFY(rec.out.find("Usage: modal app logs [OPTIONS]") != std::string::npos);
        QCOMPARE(classifyModalOutput(rec.joined(), rec.exitCode).cause, ModalCause::None);
    }

    void recordedFailures_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("cause");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s network", v) << v << "network" << int(ModalCause::Network);
            QTest::addRow("%s network token info", v)
                << v << "network_token_info" << int(ModalCause::Network);
            QTest::addRow("%s token missing", v) << v << "token_missing" << int(ModalCause::TokenMissing);
            QTest::addRow("%s token invalid", v) << v << "token_invalid" << int(ModalCause::TokenInvalid);
            QTest::addRow("%s app not found", v)
                << v << "app_logs_not_found_env" << int(ModalCause::AppNotFound);
            QTest::addRow("%s history not found", v)
                << v << "app_history_not_found" << int(ModalCause::AppNotFound);
            QTest::addRow("%s stop not found", v)
                << v << "app_stop_not_found" << int(ModalCause::AppNotFound);
        }
    }
    void recordedFailures()
    {
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(int, cause);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 1);
        const auto d = classifyModalOutput(rec.joined(), rec.exitCode);
        QCOMPARE(int(d.cause), cause);
        QVERIFY(!d.detail.empty());
        QVERIFY(d.detail.find("\xe2\x94\x82") == std::string::npos);
    }

    void deployStages()
    {
        QCOMPARE(modalDeployStageOf("✓ Initialized. View run at https://x"), ModalDeployStage::Initializing);
        QCOMPARE(modalDeployStageOf("Building image im-1"), ModalDeployStage::BuildingImage);
        QCOMPARE(modalDeployStageOf("├── 🔨 Created mount /x"), ModalDeployStage::CreatingObjects);
        QCOMPARE(modalDeployStageOf("✓ App deployed in 1.0s! 🎉"), ModalDeployStage::Deployed);
        QCOMPARE(modalDeployStageOf("╭─ Error ───╮"), ModalDeployStage::Failed);
        QCOMPARE(modalDeployStageOf("random"), ModalDeployStage::Unknown);
    }

    void tokenInfo_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("fromEnvironment");
        for (const char* v : {"1.5.4", "1.4.2"}) {
            QTest::addRow("%s environment", v) << v << "token_info" << true;
            QTest::addRow("%s profile", v) << v << "token_info_profile" << false;
        }
    }
    void tokenInfo()
    {
        QFETCH(QString, version);
        QFETCH(QString, name);
        QFETCH(bool, fromEnvironment);
        const auto rec = recorded(version, name.toStdString());
        QCOMPARE(rec.exitCode, 0);
        QCOMPARE(rec.out.rfind("(Using MODAL_TOKEN_ID and MODAL_TOKEN_SECRET environment variables)", 0) == 0,
                 fromEnvironment);
        auto p = parseModalTokenInfo(rec.joined());
        QVERIFY2(p.ok(), p.error.c_str());
        const ModalTokenInfo& t = p.value;
        QCOMPARE(t.tokenId, std::string("ak-AbCdEfGh12345678IjKlMn"));
        QCOMPARE(t.workspace, std::string("kernel-lab")); // printed "kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)"
        QCOMPARE(t.workspaceId, std::string("ac-9Xy8Wv7Ut6Sr5Qp4"));
        QCOMPARE(t.user, std::string("alice"));
        QCOMPARE(t.userId, std::string("us-1a2b3c4d5e"));
        QVERIFY(!t.serviceUser);
        QCOMPARE(t.createdAt, std::string("2026-11-16 15:21:50 PST"));
        QVERIFY(t.name.empty());
        QVERIFY(t.expiresAt.empty());
        QCOMPARE(t.source, fromEnvironment ? ModalTokenSource::Environment : ModalTokenSource::Profile);
        if (version == QStringLiteral("1.5.4") && fromEnvironment) // the named copy
            QCOMPARE(parseModalTokenInfo(fixture("token_info.txt")).value.workspace,
                     std::string("kernel-lab"));
    }

    void tokenInfoOptionalLines()
    {
        // Not recorded: the lines modal/cli/token.py (1.4.2 and 1.5.4) prints only for a named
        // or expiring token, a service user, or one of the two variables.
        const auto p = parseModalTokenInfo("(Using MODAL_TOKEN_ID environment variable)\n"
                                           "Token: ak-Zz9\n"
                                           "Name: ci-token\n"
                                           "Workspace: kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)\n"
                                           "Service User: ci-bot (su-123abc)\n"
                                           "Created By: alice (us-1a2b3c4d5e)\n"
                                           "Created at: 2026-11-16 15:21:50 PST\n"
                                           "Expires at: 2027-11-16 15:21:50 PST\n");
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.source, ModalTokenSource::Environment);
        QCOMPARE(p.value.name, std::string("ci-token"));
        QCOMPARE(p.value.user, std::string("ci-bot"));
        QCOMPARE(p.value.userId, std::string("su-123abc"));
        QVERIFY(p.value.serviceUser);
        QCOMPARE(p.value.createdBy, std::string("alice"));
        QCOMPARE(p.value.expiresAt, std::string("2027-11-16 15:21:50 PST"));
        // A name with parentheses of its own keeps them; only a trailing "(xx-…)" id is split off.
        QCOMPARE(splitModalNameAndId("lab (old) (ac-1)"),
                 (std::pair<std::string, std::string>{"lab (old)", "ac-1"}));
        QCOMPARE(splitModalNameAndId("lab (old)"), (std::pair<std::string, std::string>{"lab (old)", ""}));
        QCOMPARE(splitModalNameAndId("lab"), (std::pair<std::string, std::string>{"lab", ""}));
    }

    void tokenInfoFailures_data() { bothVersions(); }
    void tokenInfoFailures()
    {
        QFETCH(QString, version);
        for (const char* name : {"token_missing", "token_invalid", "network_token_info"})
            QVERIFY(!parseModalTokenInfo(recorded(version, name).joined()).ok());
    }

    void appHistory_data() { bothVersions(); }
    void appHistory()
    {
        // Newest first; 1.4.2 keys "Version", "Commit", "Tag", …, 1.5.4 "version", "commit", "tag".
        QFETCH(QString, version);
        const auto rec = recorded(version, "app_history");
        QCOMPARE(rec.exitCode, 0);
        auto p = parseModalAppHistory(rec.out);
        QVERIFY2(p.ok(), p.error.c_str());
        QCOMPARE(p.value.size(), std::size_t(3));
        const int versions[] = {3, 2, 1};
        const char* clients[] = {"1.5.4", "1.5.4", "1.4.2"};
        const char* by[] = {"bob", "alice", "alice"};
        const char* commits[] = {"", "1a2b3c4", ""};
        const char* tags[] = {"", "stable", ""};
        const char* times[] = {"2026-12-06 22:00:00-08:00", "2026-12-06 06:22:50-08:00",
                               "2026-12-05 14:22:50-08:00"};
        for (std::size_t i = 0; i < 3; ++i) {
            QCOMPARE(p.value[i].version, versions[i]);
            QCOMPARE(p.value[i].versionText, "v" + std::to_string(versions[i]));
            QCOMPARE(p.value[i].client, std::string(clients[i]));
            QCOMPARE(p.value[i].deployedBy, std::string(by[i]));
            QCOMPARE(p.value[i].commit, std::string(commits[i]));
            QCOMPARE(p.value[i].tag, std::string(tags[i]));
            QCOMPARE(p.value[i].timeDeployed, std::string(times[i]));
        }
        // No deployment tagged: the key is left out.
        const auto untagged = recorded(version, "app_history_untagged");
        QVERIFY(untagged.out.find("ag\"") == std::string::npos);
        auto u = parseModalAppHistory(untagged.out);
        QVERIFY2(u.ok(), u.error.c_str());
        QCOMPARE(u.value.size(), std::size_t(1));
        QCOMPARE(u.value[0].version, 1);
        QCOMPARE(u.value[0].deployedBy, std::string("alice"));
        QVERIFY(u.value[0].tag.empty() && u.value[0].commit.empty());
        if (version == QStringLiteral("1.5.4")) // the named copy
            QCOMPARE(parseModalAppHistory(fixture("app_history.json")).value.size(), std::size_t(3));
    }

    void errorBox()
    {
        QCOMPARE(extractModalErrorBox(fixture("errors/app_not_found.txt")),
                 std::string("No App with name 'nope' found in the 'dev' environment."));
        const std::string tm = extractModalErrorBox(fixture("errors/token_missing.txt"));
        QVERIFY(tm.rfind("Token missing. Could not authenticate client.", 0) == 0);
        QVERIFY(tm.find("modal token new") != std::string::npos); // wrapped lines joined
        QCOMPARE(extractModalErrorBox("Error: plain form\n"), std::string("plain form"));
        QVERIFY(extractModalErrorBox("nothing").empty());
    }

    void classifier_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("cause");
        QTest::addColumn<QString>("fixNeedle");
        QTest::newRow("token missing")
            << "errors/token_missing.txt" << 1 << int(ModalCause::TokenMissing) << "modal token new";
        QTest::newRow("token invalid")
            << "errors/token_invalid.txt" << 1 << int(ModalCause::TokenInvalid) << "MODAL_TOKEN_ID";
        QTest::newRow("app not found") << "errors/app_not_found.txt" << 1 << int(ModalCause::AppNotFound)
                                       << "kernelwatch-cli modal deploy";
        QTest::newRow("lookup failed") << "errors/lookup_failed.txt" << 1 << int(ModalCause::AppNotDeployed)
                                       << "kernelwatch-cli modal deploy";
        QTest::newRow("proxy 401") << "errors/proxy_401.txt" << 1 << int(ModalCause::EndpointUnauthorized)
                                   << "KERNELWATCH_PROXY_KEY";
        QTest::newRow("nvcc arch") << "errors/cuda_arch.txt" << 1 << int(ModalCause::CudaArchMismatch)
                                   << "TORCH_CUDA_ARCH_LIST";
        QTest::newRow("no kernel image")
            << "errors/no_kernel_image.txt" << 1 << int(ModalCause::CudaArchMismatch) << "gpu_arch";
        QTest::newRow("function timeout")
            << "errors/function_timeout.txt" << 1 << int(ModalCause::Timeout) << "--timeout";
        QTest::newRow("network") << "errors/network.txt" << 1 << int(ModalCause::Network) << "network";
        QTest::newRow("usage") << "errors/usage.txt" << 2 << int(ModalCause::UsageError)
                               << "pip install -U modal";
        QTest::newRow("cli missing") << "errors/cli_missing.txt" << 127 << int(ModalCause::CliNotInstalled)
                                     << "pip install modal";
        QTest::newRow("ok") << "app_list.json" << 0 << int(ModalCause::None) << "";
    }
    void classifier()
    {
        QFETCH(QString, file);
        QFETCH(int, exitCode);
        QFETCH(int, cause);
        QFETCH(QString, fixNeedle);
        auto d = classifyModalOutput(fixture(file.toStdString()), exitCode);
        QCOMPARE(int(d.cause), cause);
        QVERIFY2(d.fix.find(fixNeedle.toStdString()) != std::string::npos, d.fix.c_str());
        if (cause != int(ModalCause::None))
            QVERIFY(!d.detail.empty());
    }

    void classifierExitCodes()
    {
        QCOMPARE(classifyModalOutput("", kModalExitNotFound).cause, ModalCause::CliNotInstalled);
        QCOMPARE(classifyModalOutput("", kModalExitTimedOut).cause, ModalCause::Timeout);
        QCOMPARE(classifyModalOutput("boom", 1).cause, ModalCause::Unknown);
        QCOMPARE(classifyModalOutput("fine", 0).cause, ModalCause::None);
    }

    void httpClassifier()
    {
        QCOMPARE(classifyModalHttp(200, "").cause, ModalCause::None);
        QCOMPARE(classifyModalHttp(303, "").cause, ModalCause::None);
        auto a = classifyModalHttp(401, "modal-http: missing credentials for proxy authorization");
        QCOMPARE(a.cause, ModalCause::EndpointUnauthorized);
        QVERIFY(a.message().rfind("proxy auth rejected: set KERNELWATCH_PROXY_KEY/KERNELWATCH_PROXY_SECRET",
                                  0) == 0);
        auto n = classifyModalHttp(404, "modal-http: invalid function call");
        QVERIFY(n.message().rfind("endpoint not found: deploy the app (kernelwatch-cli modal deploy)", 0) ==
                0);
        QCOMPARE(classifyModalHttp(429, "").cause, ModalCause::RateLimited);
        QCOMPARE(classifyModalHttp(502, "").cause, ModalCause::ServerError);
        QCOMPARE(classifyModalHttp(504, "").cause, ModalCause::Timeout);
        QCOMPARE(classifyModalHttp(400, "bad").cause, ModalCause::Unknown);
    }

    void secretsRedacted()
    {
        const std::string s = redactModalSecrets(
            "token as-AbCdEfGh12345 and ws-ZZZZZZZZZZ9 and mysecretvalue", {"mysecretvalue"});
        QVERIFY(s.find("AbCdEfGh12345") == std::string::npos);
        QVERIFY(s.find("ZZZZZZZZZZ9") == std::string::npos);
        QVERIFY(s.find("mysecretvalue") == std::string::npos);
        QCOMPARE(redactModalSecrets("class-as-is"), std::string("class-as-is"));
        QCOMPARE(maskModalToken("wk-AbCdEfGhIj"), std::string("wk-AbCd\xe2\x80\xa6"));
        QCOMPARE(maskModalToken("short"), std::string("***"));
    }
};

QTEST_GUILESS_MAIN(TestModalParsers)
#include "tst_modal_parsers.moc"
