#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"

#include "tests/TestPrinters.h"

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
        QCOMPARE(noisy.speedupCi->low, 0.8659197195917472);
        QCOMPARE(noisy.speedupCi->high, 0.8936894011112277);
        QVERIFY(noisy.timingQuality);
        QCOMPARE(noisy.timingQuality->verdict, std::string("noisy"));
        QCOMPARE(noisy.timingQuality->reasons.size(), std::size_t(2));
        QCOMPARE(noisy.timingQuality->trials, 1009);
        QCOMPARE(noisy.timingQuality->baselineTrials, 1009);
        QCOMPARE(noisy.timingQuality->loadAvg.size(), std::size_t(3));
        QCOMPARE(noisy.timingQuality->cpuCount, 2);
        QVERIFY(noisy.timingQuality->busyProcesses.empty());
        QVERIFY(noisy.timingQuality->untrustworthy());
        const EvalResult busy = resultFromJson(fixture("busy_host.json"));
        QVERIFY(busy.timingQuality);
        QCOMPARE(busy.timingQuality->verdict, std::string("unreliable"));
        QCOMPARE(busy.timingQuality->busyProcesses, std::vector<std::string>{"python3 (14640) 98% CPU"});
        QVERIFY(busy.timingQuality->untrustworthy());

        // Written back and read again: the same.
        const EvalResult back = resultFromJson(nlohmann::json::parse(toJson(noisy).dump()));
        QVERIFY(back.speedupCi && back.timingQuality);
        QCOMPARE(back.speedupCi->high, 0.8936894011112277);
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
        QCOMPARE(significantWin(noisy), WinVerdict::NotAWin); // 0.88×, and noisy
        // 1.0008× with its whole interval above 1×, but timed while the host was busy.
        const EvalResult busy = resultFromJson(fixture("busy_host.json"));
        QVERIFY(busy.speedupCi && busy.speedupCi->low > 1.0);
        QCOMPARE(significantWin(busy), WinVerdict::NotAWin);

        const EvalResult win = resultFromJson(fixture("reliable_win.json"));
        QCOMPARE(significantWin(win), WinVerdict::Win);

        EvalResult straddles = win;
        straddles.speedupCi = SpeedupInterval{0.97, 1.2};
        QCOMPARE(significantWin(straddles), WinVerdict::NotAWin);

        EvalResult unreliable = win;
        unreliable.timingQuality->verdict = "unreliable";
        QCOMPARE(significantWin(unreliable), WinVerdict::NotAWin);

        EvalResult old = win; // stored before intervals (and baselines) existed
        old.speedupCi.reset();
        old.timingQuality.reset();
        old.baselines.clear();
        QCOMPARE(significantWin(old), WinVerdict::Unknown);

        EvalResult wrong = win;
        wrong.status = EvalStatus::Incorrect;
        QCOMPARE(significantWin(wrong), WinVerdict::NotAWin);
    }

    // The shapes of issue 17's contract (/work/contract17.md): both baselines, a compile baseline
    // that failed, a speed-of-light estimate and one that is unavailable.
    void baselinesAndSpeedOfLight()
    {
        auto j = fixture("reliable_win.json");
        j["baselines"] = nlohmann::json::parse(R"({
            "eager": {"runtime_ms": 0.054, "stats": {"mean": 0.0541, "median": 0.054, "std": 0.0005,
                      "min": 0.0532, "max": 0.0556, "n": 64}, "speedup": 1.42, "speedup_ci": [1.38, 1.47]},
            "compile": {"mode": "max-autotune-no-cudagraphs", "runtime_ms": 0.031,
                        "stats": {"mean": 0.031, "median": 0.031, "std": 0.0002, "min": 0.030, "max": 0.032, "n": 64},
                        "speedup": 0.82, "speedup_ci": [0.79, 0.85], "compile_s": 41.5, "cache_hit": false}})");
        j["sol"] = nlohmann::json::parse(R"({"device": "NVIDIA H100 80GB HBM3", "precision": "fp32",
            "flops": 0, "flops_estimated": true, "bytes": 33554432, "peak_flops_per_s": 6.7e13,
            "peak_bytes_per_s": 3.35e12, "peaks": "table H100 SXM; measured copy 3.0 TB/s",
            "time_ms": 0.01, "bound": "memory", "percent": 26.3, "arithmetic_intensity": 0.125,
            "achieved_flops_per_s": 1.1e11, "achieved_bytes_per_s": 8.8e11, "floor_ms": 0.0089})");
        const EvalResult r = resultFromJson(j);
        QCOMPARE(r.baselines.size(), std::size_t(2));
        QCOMPARE(r.baselines[0].name, std::string("eager")); // eager first
        const BaselineTiming* c = r.baseline("compile");
        QVERIFY(c);
        QCOMPARE(c->mode, std::string("max-autotune-no-cudagraphs"));
        QCOMPARE(*c->speedup, 0.82);
        QCOMPARE(c->speedupCi->low, 0.79);
        QCOMPARE(*c->compileS, 41.5);
        QCOMPARE(c->stats->n, 64);
        QVERIFY(!c->cacheHit);
        QVERIFY(!r.baseline("inductor"));
        QVERIFY(r.sol && r.sol->available());
        QCOMPARE(r.sol->bound, std::string("memory"));
        QCOMPARE(r.sol->percent, 26.3);
        QCOMPARE(r.sol->bytes, 33554432.0);
        QVERIFY(r.sol->flopsEstimated);
        QCOMPARE(r.sol->floorMs, 0.0089);

        // Faster than eager, significantly; slower than torch.compile.
        QCOMPARE(significantlyAbove(r, 1.0, Baseline::Eager), WinVerdict::Win);
        QCOMPARE(significantlyAbove(r, 1.0, Baseline::Compile), WinVerdict::NotAWin);
        QCOMPARE(*speedupAgainst(r, Baseline::Compile), 0.82);

        // Written and read again: the same.
        const EvalResult back = resultFromJson(nlohmann::json::parse(toJson(r).dump()));
        QCOMPARE(back.baselines.size(), std::size_t(2));
        QCOMPARE(back.baseline("compile")->mode, c->mode);
        QCOMPARE(back.baseline("compile")->speedupCi->high, 0.85);
        QCOMPARE(*back.baseline("compile")->compileS, 41.5);
        QCOMPARE(*back.baseline("eager")->runtimeMs, 0.054);
        QCOMPARE(back.sol->peaks, r.sol->peaks);
        QCOMPARE(back.sol->achievedBytesPerS, 8.8e11);
        QCOMPARE(back.sol->timeMs, 0.01);

        // A compile baseline that failed and an unavailable estimate.
        j["baselines"]["compile"] =
            nlohmann::json{{"mode", "default"}, {"error", "torch.compile failed: no C compiler"}};
        j["sol"] = nlohmann::json{{"unavailable", "CPU device: no speed of light"}};
        const EvalResult failed = resultFromJson(j);
        QCOMPARE(failed.baseline("compile")->error, std::string("torch.compile failed: no C compiler"));
        QVERIFY(!speedupAgainst(failed, Baseline::Compile));
        QCOMPARE(significantlyAbove(failed, 1.0, Baseline::Compile), WinVerdict::Unknown);
        QVERIFY(failed.sol && !failed.sol->available());
        const auto failedJson = toJson(failed);
        QCOMPARE(failedJson["sol"], nlohmann::json({{"unavailable", "CPU device: no speed of light"}}));
        QVERIFY(!failedJson["baselines"]["compile"].contains("speedup"));
        QCOMPARE(resultFromJson(failedJson).baseline("compile")->error, failed.baseline("compile")->error);

        // Only in metadata (a result kept by an older core): still read.
        auto mirrored = fixture("reliable_win.json");
        mirrored.erase("baselines"); // metadata's own copies are replaced below
        mirrored.erase("sol");
        mirrored["metadata"]["baselines"] = j["baselines"];
        mirrored["metadata"]["sol"] = j["sol"];
        const EvalResult m = resultFromJson(mirrored);
        QCOMPARE(m.baselines.size(), std::size_t(2));
        QVERIFY(m.sol && m.sol->unavailable == "CPU device: no speed of light");

        // Results before baselines: none, written as {} and null.
        auto oldJson = fixture("reliable_win.json");
        for (const char* k : {"baselines", "sol"}) {
            oldJson.erase(k);
            oldJson["metadata"].erase(k);
        }
        const EvalResult old = resultFromJson(oldJson);
        QVERIFY(old.baselines.empty() && !old.sol);
        QCOMPARE(toJson(old)["baselines"], nlohmann::json::object());
        QVERIFY(toJson(old)["sol"].is_null());
        // Malformed entries are skipped.
        const EvalResult bad =
            resultFromJson(nlohmann::json::parse(R"({"baselines": {"eager": 3, "compile": {"speedup": "x"}},
                                                     "sol": "fast"})"));
        QCOMPARE(bad.baselines.size(), std::size_t(1));
        QVERIFY(!bad.baselines[0].speedup);
        QVERIFY(!bad.sol);
    }

    void fasterThanLightIsNeverAWin()
    {
        EvalResult r = resultFromJson(fixture("reliable_win.json"));
        QCOMPARE(significantWin(r), WinVerdict::Win);
        r.flags.push_back(std::string(kFasterThanLightFlag));
        QCOMPARE(significantWin(r), WinVerdict::NotAWin);
        QCOMPARE(significantlyAbove(r, 0.5), WinVerdict::NotAWin);
        QCOMPARE(significantlyAbove(r, 0.5, Baseline::Compile), WinVerdict::NotAWin);
    }

    void requestBaselines()
    {
        EvalRequest q;
        QCOMPARE(q.baselines, std::vector<std::string>{"eager"});
        QCOMPARE(q.compileMode, std::string("default"));
        q.baselines = {"eager", "compile"};
        q.compileMode = "max-autotune-no-cudagraphs";
        const nlohmann::json j = q;
        QCOMPARE(j["baselines"], nlohmann::json({"eager", "compile"}));
        QCOMPARE(j["compile_mode"], nlohmann::json("max-autotune-no-cudagraphs"));
        const auto back = j.get<EvalRequest>();
        QCOMPARE(back.baselines, q.baselines);
        QCOMPARE(back.compileMode, q.compileMode);
        // Requests before baselines keep the defaults; wrong entries are skipped.
        const auto old = nlohmann::json::parse(R"({"id": "x"})").get<EvalRequest>();
        QCOMPARE(old.baselines, std::vector<std::string>{"eager"});
        const auto odd =
            nlohmann::json::parse(R"({"baselines": ["compile", 3], "compile_mode": 7})").get<EvalRequest>();
        QCOMPARE(odd.baselines, std::vector<std::string>{"compile"});
        QCOMPARE(odd.compileMode, std::string("default"));

        q.refCode = "x";
        q.kernelCode = "y";
        QVERIFY(validateRequest(q).empty());
        q.baselines = {"eager", "inductor"};
        QVERIFY(QString::fromStdString(validateRequest(q))
                    .contains(QStringLiteral("unknown baseline 'inductor'")));
        q.baselines = {"compile"};
        q.compileMode = "reduce-overhead";
        QVERIFY(QString::fromStdString(validateRequest(q))
                    .contains(QStringLiteral("max-autotune-no-cudagraphs")));
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
