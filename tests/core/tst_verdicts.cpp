// One verdict for both targets: the golden cases in tests/fixtures/verdicts (child report + how it
// ended -> status, error message, flags) that the Python assembler (tests/python/test_verdicts.py,
// used by run_isolated and the Modal app) also passes, run through the C++ core's assembleResult
// (the local zygote path). Same words, whichever target evaluated the kernel.
#include "core/local/ResultAssembly.h"
#include "core/local/ZygoteEvent.h"

#include "tests/TestPaths.h"
#include "tests/TestPrinters.h"

#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace kw;
using nlohmann::json;

namespace {

std::string casesDir()
{
    return kwtest::fixturesPath() + "/verdicts";
}

json load(const std::string& path)
{
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return json::parse(ss.str());
}

} // namespace

class TestVerdicts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void golden_data()
    {
        QTest::addColumn<QString>("file");
        int n = 0;
        for (const auto& e : std::filesystem::directory_iterator(casesDir()))
            if (e.path().extension() == ".json") {
                QTest::newRow(e.path().stem().c_str()) << QString::fromStdString(e.path().string());
                ++n;
            }
        if (n == 0)
            QTest::newRow("missing") << QString();
    }

    void golden()
    {
        QFETCH(QString, file);
        QVERIFY2(!file.isEmpty(), "no golden verdict cases found");
        const json c = load(file.toStdString());
        EvalRequest req;
        req.id = "golden";
        req.kernelCode = "class ModelNew: pass";
        req.timeoutS = c.value("timeout_s", 30.0);
        ChildOutcome o;
        o.slotDevice = "cpu";
        o.mode = c.value("mode", std::string("eval"));
        o.timedOut = c.value("timed_out", false);
        o.cancelled = c.value("cancelled", false);
        o.lastStage = c.value("last_stage", std::string());
        o.timeoutS = req.timeoutS;
        if (c.contains("child_report") && c["child_report"].is_object())
            o.result = c["child_report"];
        if (c.contains("exit") && c["exit"].is_object()) {
            ZygoteEvent ev = parseZygoteEvent(c["exit"].dump());
            QVERIFY(ev.type == ZygoteEvent::Type::Exited);
            o.exited = ev;
            o.childPid = ev.pid;
        }
        const EvalResult r = assembleResult(req, o, 1.0, 0.0);
        const json& want = c["expected"];
        QCOMPARE(std::string(statusName(r.status)), want["status"].get<std::string>());
        QCOMPARE(r.errorMessage, want["error_message"].get<std::string>());
        QCOMPARE(r.flags, want["flags"].get<std::vector<std::string>>());
        if (want.contains("compiled"))
            QCOMPARE(r.compiled, want["compiled"].get<bool>());
        if (want.contains("metadata"))
            for (const auto& [k, v] : want["metadata"].items())
                QVERIFY2(r.metadata.contains(k), k.c_str());
    }
};

QTEST_GUILESS_MAIN(TestVerdicts)
#include "tst_verdicts.moc"
