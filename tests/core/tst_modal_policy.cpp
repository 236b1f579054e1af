// The pure retry policy and the endpoint answer conversions of ModalBackend.
#include "core/modal/ModalHttpPolicy.h"
#include "core/modal/ModalPricing.h"
#include "core/modal/ModalResponse.h"

#include <QTest>
#include <curl/curl.h>

using namespace kw;

class TestModalPolicy : public QObject
{
    Q_OBJECT

private slots:
    void postRetriesOnlyWhenNothingRan_data()
    {
        QTest::addColumn<int>("curlCode");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retry");
        QTest::newRow("refused") << int(CURLE_COULDNT_CONNECT) << 0 << true;
        QTest::newRow("dns") << int(CURLE_COULDNT_RESOLVE_HOST) << 0 << true;
        QTest::newRow("tls handshake") << int(CURLE_SSL_CONNECT_ERROR) << 0 << true;
        QTest::newRow("reset") << int(CURLE_RECV_ERROR) << 0 << false;
        QTest::newRow("empty reply") << int(CURLE_GOT_NOTHING) << 0 << false;
        QTest::newRow("deadline") << int(CURLE_OPERATION_TIMEDOUT) << 0 << false;
        QTest::newRow("truncated") << int(CURLE_PARTIAL_FILE) << 0 << false;
        QTest::newRow("429") << 0 << 429 << true;
        QTest::newRow("500: the app's own error, it ran") << 0 << 500 << false;
        QTest::newRow("502: the container may have died mid-run") << 0 << 502 << false;
        QTest::newRow("503") << 0 << 503 << true;
        QTest::newRow("504") << 0 << 504 << false;
        QTest::newRow("401") << 0 << 401 << false;
        QTest::newRow("404") << 0 << 404 << false;
        QTest::newRow("400") << 0 << 400 << false;
    }
    void postRetriesOnlyWhenNothingRan()
    {
        QFETCH(int, curlCode);
        QFETCH(int, status);
        QFETCH(bool, retry);
        ModalConfig c;
        ModalAttempt a{ModalPhase::Post, curlCode, status, -1};
        QCOMPARE(modalRetryDecision(a, 0, c, 0.5).retry, retry);
    }

    void getRetriesTransportErrors()
    {
        ModalConfig c;
        QVERIFY(modalRetryDecision({ModalPhase::FetchResult, CURLE_RECV_ERROR, 0, -1}, 0, c, 0.5).retry);
        QVERIFY(modalRetryDecision({ModalPhase::FetchResult, 0, 504, -1}, 0, c, 0.5).retry);
        QVERIFY(
            !modalRetryDecision({ModalPhase::FetchResult, CURLE_OPERATION_TIMEDOUT, 0, -1}, 0, c, 0.5).retry);
        QVERIFY(!modalRetryDecision({ModalPhase::FetchResult, 0, 404, -1}, 0, c, 0.5).retry);
    }

    void boundedAndBackedOff()
    {
        ModalConfig c;
        c.maxRetries = 3;
        c.backoffInitialS = 1;
        c.backoffMaxS = 5;
        ModalAttempt a{ModalPhase::Post, CURLE_COULDNT_CONNECT, 0, -1};
        QVERIFY(qFuzzyCompare(modalRetryDecision(a, 0, c, 0.5).delayS, 1.0));
        QVERIFY(qFuzzyCompare(modalRetryDecision(a, 2, c, 0.5).delayS, 4.0));
        QVERIFY(!modalRetryDecision(a, 3, c, 0.5).retry);
        QVERIFY(modalBackoffS(10, c, 0.99) <= 5.0);
        QVERIFY(modalBackoffS(0, c, 0.0) >= 0.8 && modalBackoffS(0, c, 0.999) <= 1.2);
        ModalAttempt limited{ModalPhase::Post, 0, 429, 3.0};
        QVERIFY(qFuzzyCompare(modalRetryDecision(limited, 0, c, 0.5).delayS, 3.0));
        limited.retryAfterS = 999;
        QVERIFY(qFuzzyCompare(modalRetryDecision(limited, 0, c, 0.5).delayS, 5.0));
    }

    void transportMessages()
    {
        auto m = modalTransportMessage(CURLE_RECV_ERROR, ModalPhase::Post, "");
        QVERIFY(m.find("reset") != std::string::npos);
        QVERIFY(m.find("may have run") != std::string::npos);
        auto refused = modalTransportMessage(CURLE_COULDNT_CONNECT, ModalPhase::Post, "");
        QVERIFY(refused.find("may have run") == std::string::npos);
    }

    void bodyConversions()
    {
        EvalRequest req;
        req.id = "abc";
        req.kernelCode = "k";
        req.gpuType = "L4";
        req.seedSecret = "seed";
        auto ok = modalResultFromBody(req, R"({"status":"correct","compiled":true,"timings":{"total":10}})");
        finishModalResult(ok, req, 1.0, 12.0);
        QCOMPARE(ok.status, EvalStatus::Correct);
        QCOMPARE(ok.id, std::string("abc"));
        QCOMPARE(ok.device.target, std::string("modal:L4"));
        QVERIFY(ok.request.seedSecret.empty());
        QVERIFY(ok.costUsd && qFuzzyCompare(*ok.costUsd, 0.00222));

        auto legacy = modalResultFromBody(req, R"({"compiled":false,"correctness":false})");
        QCOMPARE(legacy.status, EvalStatus::CompileError);

        auto bad = modalResultFromBody(req, "{\"status\": \"corr");
        QCOMPARE(bad.status, EvalStatus::InfraError);
        QVERIFY(bad.errorMessage.find("invalid or truncated JSON") != std::string::npos);
        auto fastapi = modalResultFromBody(req, R"({"detail":[{"msg":"field required"}]})");
        QCOMPARE(fastapi.status, EvalStatus::InfraError);
        QVERIFY(fastapi.errorMessage.find("rejected the request") != std::string::npos);
        auto nostatus = modalResultFromBody(req, R"({"hello":1})");
        QCOMPARE(nostatus.status, EvalStatus::InfraError);
        finishModalResult(bad, req, 1, 2);
        QVERIFY(!bad.costUsd);
    }

    void pricedWithTheGpuThatRan()
    {
        // Asked for H100, the app reports the container's own GPU (Modal may upgrade H100 to H200).
        EvalRequest req;
        req.id = "h";
        req.gpuType = "H100";
        auto r = modalResultFromBody(
            req,
            R"({"status":"correct","compiled":true,"timings":{"total":10},"device":{"target":"modal:H200"}})");
        finishModalResult(r, req, 1.0, 12.0);
        QCOMPARE(r.device.target, std::string("modal:H200"));
        QVERIFY(r.costUsd && qFuzzyCompare(*r.costUsd, *modalCostUsd("H200", 10)));
        QVERIFY(r.metadata.value("cost_covers", std::string()).find("idle time") != std::string::npos);
    }

    void legacyDeadlineFitsTheCaller()
    {
        auto has = [](const std::vector<std::string>& v, const char* needle) {
            for (const auto& s : v)
                if (s.find(needle) != std::string::npos)
                    return true;
            return false;
        };
        // kernel_rl's shipped 60.0 against an app deployed for 120 s: Modal would kill it first.
        QVERIFY(has(legacyDeadlineNotes(60.0, 120), "shorter than the deployed app's legacy deadline 120 s"));
        QVERIFY(has(legacyDeadlineNotes(60.0, 120), "--legacy-deadline 60"));
        // Matching, but 52 s is too short for a cold CUDA build.
        const auto sixty = legacyDeadlineNotes(60.0, 60);
        QCOMPARE(sixty.size(), std::size_t(1));
        QVERIFY(has(sixty, "cold CUDA"));
        // More time allowed than the app uses.
        QVERIFY(has(legacyDeadlineNotes(300.0, 60), "stops legacy evaluations at 52 s"));
        QVERIFY(legacyDeadlineNotes(180.0, 180).empty());
        QVERIFY(legacyDeadlineNotes(0, 60).empty());
    }

    void configValidation()
    {
        ModalConfig c;
        QVERIFY(c.validate().find("kernelwatch-cli modal deploy") != std::string::npos);
        c.endpoint = "ftp://x";
        QVERIFY(!c.validate().empty());
        c.endpoint = "https://ws--kernel-rl-evaluator-evaluate-http.modal.run";
        QVERIFY(c.validate().empty());
        c.proxyKey = "wk-abcdefgh";
        QVERIFY(c.validate().find("both") != std::string::npos);
        c.proxySecret = "ws-topsecretvalue";
        QVERIFY(c.validate().empty());
        QVERIFY(c.describe().find("ws-topsecretvalue") == std::string::npos);
        QVERIFY(c.describe().find("wk-abcdefgh") == std::string::npos);
        c.gpuType = "V100";
        QVERIFY(c.validate().find("unknown GPU type") != std::string::npos);
        QVERIFY(qFuzzyCompare(c.deadlineFor(300), 900.0));
        c.deadlineS = 42;
        QVERIFY(qFuzzyCompare(c.deadlineFor(300), 42.0));
    }
};

QTEST_GUILESS_MAIN(TestModalPolicy)
#include "tst_modal_policy.moc"
