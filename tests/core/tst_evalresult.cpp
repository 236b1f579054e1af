#include "EvalRequest.h"
#include "EvalResult.h"

#include "TestPrinters.h"

#include <QFile>
#include <QtTest>
#include <cmath>
#include <set>

using namespace kw;

class TestEvalResult : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        EvalRequest q;
        q.id = EvalRequest::makeId();
        q.refCode = "class Model: pass";
        q.kernelCode = "class ModelNew: pass";
        q.precision = "bf16";
        q.problem = "level1/19_ReLU";
        q.seedSecret = "do-not-store";
        EvalResult r;
        r.id = q.id;
        r.request = q;
        r.status = EvalStatus::Rejected;
        r.cheated = true;
        r.flags = {"inputs_modified", "static:threading"};
        r.speedup = 1.75;
        r.runtimeMs = 2.0;
        r.baselineRuntimeMs = 3.5;
        r.runtimeStats = RuntimeStats{2.0, 1.9, 0.1, 1.8, 2.4, 99};
        r.timings.compile = 12.5;
        r.device = {"NVIDIA H100", "sm_90", "cuda:1"};
        r.worker.pid = 4242;
        r.metadata["max_difference"] = 0.5;

        const auto j = toJson(r);
        QVERIFY(!j["request"].contains("seed_secret"));
        const EvalResult back = resultFromJson(nlohmann::json::parse(j.dump()));
        QCOMPARE(back.id, r.id);
        QCOMPARE(back.status, EvalStatus::Rejected);
        QVERIFY(back.cheated);
        QCOMPARE(back.flags.size(), std::size_t(2));
        QVERIFY(back.hasFlag("static:threading"));
        QCOMPARE(*back.speedup, 1.75);
        QCOMPARE(back.runtimeStats->n, 99);
        QCOMPARE(back.timings.compile, 12.5);
        QCOMPARE(back.device.target, std::string("cuda:1"));
        QCOMPARE(back.request.precision, std::string("bf16"));
        QCOMPARE(back.request.kernelCode, q.kernelCode);
        QVERIFY(back.request.seedSecret.empty());
        QCOMPARE(back.metadata["max_difference"].get<double>(), 0.5);

        const auto noCode = toJson(r, false);
        QVERIFY(!noCode["request"].contains("kernel_code"));
    }

    void lenientParsing()
    {
        // kernel_rl's own dict: no status, null speedup, extra keys, wrong types.
        auto j = nlohmann::json::parse(R"({"format_ok": true, "compiled": true, "correctness": false,
            "tests_passed": "three", "speedup": null, "runtime_ms": -1, "cheated": false,
            "metadata": [1,2], "flags": ["a", 3, null]})");
        EvalResult r = resultFromJson(j);
        QCOMPARE(r.status, EvalStatus::Incorrect);
        QVERIFY(!r.speedup);
        QCOMPARE(r.testsPassed, 0);
        QVERIFY(r.metadata.is_object());
        QCOMPARE(r.flags.size(), std::size_t(1));
        QCOMPARE(resultFromJson(nlohmann::json::parse(R"({"compiled": false})")).status,
                 EvalStatus::CompileError);
        QCOMPARE(resultFromJson(nlohmann::json::parse("[]")).status, EvalStatus::Unknown);
        QCOMPARE(resultFromJson(nlohmann::json::parse(R"({"status": "weird"})")).status, EvalStatus::Unknown);
    }

    static nlohmann::json fixture(const char* name)
    {
        QFile f(qEnvironmentVariable("KW_TEST_FIXTURES") + QStringLiteral("/timing/") + QLatin1String(name));
        if (!f.open(QIODevice::ReadOnly))
            return nullptr;
        return nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    }

    void timingQualityAndInterval()
    {
        const auto noisyJson = fixture("noisy.json");
        QVERIFY(noisyJson.is_object());
        const EvalResult noisy = resultFromJson(noisyJson);
        QVERIFY(noisy.speedupCi);
        QCOMPARE(noisy.speedupCi->low, 0.74);
        QCOMPARE(noisy.speedupCi->high, 1.58);
        QVERIFY(noisy.timingQuality);
        QCOMPARE(noisy.timingQuality->verdict, std::string("noisy"));
        QCOMPARE(noisy.timingQuality->reasons.size(), std::size_t(2));
        QCOMPARE(noisy.timingQuality->trials, 37);
        QCOMPARE(noisy.timingQuality->baselineTrials, 100);
        QCOMPARE(noisy.timingQuality->loadAvg.size(), std::size_t(3));
        QCOMPARE(noisy.timingQuality->cpuCount, 16);
        QCOMPARE(noisy.timingQuality->busyProcesses.size(), std::size_t(1));
        QVERIFY(noisy.timingQuality->untrustworthy());

        // Written back and read again: the same.
        const EvalResult back = resultFromJson(nlohmann::json::parse(toJson(noisy).dump()));
        QVERIFY(back.speedupCi && back.timingQuality);
        QCOMPARE(back.speedupCi->high, 1.58);
        QCOMPARE(back.timingQuality->reasons, noisy.timingQuality->reasons);
        QCOMPARE(back.timingQuality->busyProcesses, noisy.timingQuality->busyProcesses);
        QCOMPARE(back.timingQuality->loadAvg, noisy.timingQuality->loadAvg);

        // Old rows have neither; they are written as null and read back as absent.
        const EvalResult old =
            resultFromJson(nlohmann::json::parse(R"({"status": "correct", "speedup": 2.0})"));
        QVERIFY(!old.speedupCi && !old.timingQuality);
        QVERIFY(toJson(old)["speedup_ci"].is_null());
        QVERIFY(toJson(old)["timing_quality"].is_null());
        // Malformed values are ignored.
        QVERIFY(!resultFromJson(nlohmann::json::parse(R"({"speedup_ci": [2, 1]})")).speedupCi);
        QVERIFY(!resultFromJson(nlohmann::json::parse(R"({"speedup_ci": [1, "x"]})")).speedupCi);
        QVERIFY(!resultFromJson(nlohmann::json::parse(R"({"timing_quality": "noisy"})")).timingQuality);
    }

    void significantWins()
    {
        const EvalResult noisy = resultFromJson(fixture("noisy.json"));
        QCOMPARE(significantWin(noisy), WinVerdict::NotAWin); // speedup 1.31, but noise

        const EvalResult win = resultFromJson(fixture("reliable_win.json"));
        QCOMPARE(significantWin(win), WinVerdict::Win);

        EvalResult straddles = win;
        straddles.speedupCi = SpeedupInterval{0.97, 1.2};
        QCOMPARE(significantWin(straddles), WinVerdict::NotAWin);

        EvalResult unreliable = win;
        unreliable.timingQuality->verdict = "unreliable";
        QCOMPARE(significantWin(unreliable), WinVerdict::NotAWin);

        EvalResult old = win; // stored before intervals existed
        old.speedupCi.reset();
        old.timingQuality.reset();
        QCOMPARE(significantWin(old), WinVerdict::Unknown);

        EvalResult wrong = win;
        wrong.status = EvalStatus::Incorrect;
        QCOMPARE(significantWin(wrong), WinVerdict::NotAWin);
    }

    void cancelledIsNotAnInfraFailure()
    {
        EvalRequest q;
        q.id = "c1";
        const EvalResult c = EvalResult::infraError(q, "cancelled");
        QCOMPARE(c.status, EvalStatus::InfraError); // the status set stays as it is
        QVERIFY(c.isCancelled());
        QCOMPARE(toJson(c)["metadata"]["cancelled"], nlohmann::json(true));
        QVERIFY(resultFromJson(toJson(c)).isCancelled());
        QVERIFY(EvalResult::infraError(q, "cancelled: the local evaluator shut down").isCancelled());
        QVERIFY(!EvalResult::infraError(q, "no Python found").isCancelled());
        // Rows stored before the key: the message says it.
        QVERIFY(resultFromJson(
                    nlohmann::json::parse(R"({"status": "infra_error", "error_message": "cancelled"})"))
                    .isCancelled());
    }

    void nanSpeedupIsNull()
    {
        EvalResult r;
        r.speedup = std::nan("");
        QVERIFY(toJson(r)["speedup"].is_null());
    }

    void statusNames()
    {
        for (auto s :
             {EvalStatus::Correct, EvalStatus::Incorrect, EvalStatus::CompileError, EvalStatus::RuntimeError,
              EvalStatus::Timeout, EvalStatus::Crashed, EvalStatus::Rejected, EvalStatus::InfraError})
            QCOMPARE(parseEvalStatus(statusName(s)), std::optional<EvalStatus>(s));
        QCOMPARE(statusName(EvalStatus::CompileError), std::string_view("compile_error"));
    }

    void idsAreUnique()
    {
        std::set<std::string> ids;
        for (int i = 0; i < 10000; ++i)
            ids.insert(EvalRequest::makeId());
        QCOMPARE(ids.size(), std::size_t(10000));
    }

    void validation()
    {
        EvalRequest q;
        q.refCode = "x";
        q.kernelCode = "y";
        QVERIFY(validateRequest(q).empty());
        q.device = "cuda:7";
        QVERIFY(validateRequest(q).empty());
        q.device = "gpu0";
        QVERIFY(QString::fromStdString(validateRequest(q)).contains(QStringLiteral("unknown device")));
        q.device = "cpu";
        q.precision = "fp8";
        QVERIFY(!validateRequest(q).empty());
        q.precision = "fp16";
        q.kernelCode.assign(kMaxSourceBytes + 1, 'a');
        QVERIFY(QString::fromStdString(validateRequest(q)).contains(QStringLiteral("1 MiB")));
        q.kernelCode.clear();
        QVERIFY(QString::fromStdString(validateRequest(q)).contains(QStringLiteral("ModelNew")));
    }
};

QTEST_GUILESS_MAIN(TestEvalResult)
#include "tst_evalresult.moc"
