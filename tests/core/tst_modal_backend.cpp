// ModalBackend against the HTTP endpoint double: auth, 303, 401, 404, bounded 5xx retries,
// stalls and trickles ending at the deadline, resets, truncated/invalid JSON, redirect loops,
// connection refused, cancel; never a duplicate result, never a token in a result.
#include "tests/doubles/EndpointDouble.h"

#include "core/modal/ModalBackend.h"

#include <QElapsedTimer>
#include <QTest>
#include <atomic>
#include <chrono>
#include <curl/curl.h>
#include <future>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace kw;

namespace {

EvalRequest makeRequest(int i = 0)
{
    EvalRequest r;
    r.id = "req-" + std::to_string(i) + "-" + EvalRequest::makeId();
    r.refCode = "class Model: pass\n";
    r.kernelCode = "class ModelNew: pass\n";
    r.timeoutS = 60;
    r.gpuType = "H100";
    return r;
}

size_t collect(char* d, size_t s, size_t n, void* u)
{
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
}

nlohmann::json stats(const kwtest::EndpointDouble& dbl)
{
    std::string body;
    CURL* e = curl_easy_init();
    const std::string url = dbl.url("/_stats");
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
    curl_easy_perform(e);
    curl_easy_cleanup(e);
    return nlohmann::json::parse(body, nullptr, false);
}

int postsFor(const kwtest::EndpointDouble& dbl, const std::string& id)
{
    auto s = stats(dbl);
    if (!s.is_object() || !s["posts"].contains(id))
        return 0;
    return s["posts"][id].get<int>();
}

ModalConfig configFor(const kwtest::EndpointDouble& dbl, const std::string& path)
{
    ModalConfig c;
    c.endpoint = dbl.url(path);
    c.proxyKey = kwtest::EndpointDouble::kKey;
    c.proxySecret = kwtest::EndpointDouble::kSecret;
    c.backoffInitialS = 0.05;
    c.backoffMaxS = 0.5;
    c.maxRetries = 3;
    c.deadlineS = 20;
    return c;
}

int freePort()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

void checkNoSecret(const EvalResult& r)
{
    const std::string all = toJson(r).dump();
    QVERIFY2(all.find(kwtest::EndpointDouble::kSecret) == std::string::npos,
             "proxy secret leaked into a result");
    QVERIFY2(all.find(kwtest::EndpointDouble::kKey) == std::string::npos, "proxy key leaked into a result");
}

} // namespace

class TestModalBackend : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_double = std::make_unique<kwtest::EndpointDouble>();
        if (!m_double->ok())
            QSKIP("the endpoint double did not start (python3 missing?)");
    }
    void cleanupTestCase() { m_double.reset(); }

    void okBatchInOrderWithCost()
    {
        ModalBackend b(configFor(*m_double, "/ok?delay=0.1"));
        std::vector<EvalRequest> reqs;
        for (int i = 0; i < 5; ++i)
            reqs.push_back(makeRequest(i));
        auto results = b.evaluateBatch(reqs);
        QCOMPARE(results.size(), std::size_t(5));
        for (std::size_t i = 0; i < results.size(); ++i) {
            QCOMPARE(results[i].id, reqs[i].id);
            QCOMPARE(results[i].status, EvalStatus::Correct);
            QCOMPARE(results[i].device.target, std::string("modal:H100"));
            QVERIFY(results[i].costUsd.has_value());
            QVERIFY(*results[i].costUsd > 0.000109 * 0.9 && *results[i].costUsd < 0.001);
            QCOMPARE(results[i].worker.containerId, std::string("ta-01DOUBLE000000000000000000"));
            QCOMPARE(results[i].request.kernelCode, reqs[i].kernelCode);
            QCOMPARE(postsFor(*m_double, reqs[i].id), 1);
            checkNoSecret(results[i]);
        }
        QCOMPARE(b.pending(), std::size_t(0));
        QCOMPARE(b.stats().posts, std::uint64_t(5));
    }

    // The request's baselines and compile mode reach the evaluator (the double echoes them).
    void baselinesAreSent()
    {
        ModalBackend b(configFor(*m_double, "/ok"));
        EvalRequest req = makeRequest();
        req.baselines = {"eager", "compile"};
        req.compileMode = "max-autotune-no-cudagraphs";
        const EvalResult r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::Correct);
        QVERIFY(r.metadata.value("baselines_seen", nlohmann::json()) == nlohmann::json({"eager", "compile"}));
        QCOMPARE(r.metadata.value("compile_mode_seen", std::string()),
                 std::string("max-autotune-no-cudagraphs"));
    }

    void missingAuthIs401WithFix()
    {
        auto c = configFor(*m_double, "/ok");
        c.proxyKey.clear();
        c.proxySecret.clear();
        ModalBackend b(c);
        auto r = b.evaluate(makeRequest());
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY2(r.errorMessage.find("proxy auth rejected") != std::string::npos, r.errorMessage.c_str());
        QVERIFY(r.errorMessage.find("KERNELWATCH_PROXY_KEY") != std::string::npos);
        QCOMPARE(r.metadata.value("http_status", 0), 401);
        QVERIFY(!r.costUsd.has_value());
    }

    void wrongAuthIs401NoRetry()
    {
        auto c = configFor(*m_double, "/ok");
        c.proxySecret = "ws-wrong-secret-value";
        ModalBackend b(c);
        auto req = makeRequest();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY(r.errorMessage.find("proxy auth rejected") != std::string::npos);
        QVERIFY(toJson(r).dump().find("ws-wrong-secret-value") == std::string::npos);
        QCOMPARE(b.stats().posts, std::uint64_t(1));
    }

    void notFoundIs404WithDeployHint()
    {
        ModalBackend b(configFor(*m_double, "/status?code=404"));
        auto r = b.evaluate(makeRequest());
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY2(
            r.errorMessage.rfind("endpoint not found: deploy the app (kernelwatch-cli modal deploy)", 0) == 0,
            r.errorMessage.c_str());
        QCOMPARE(r.metadata.value("modal_cause", std::string()), std::string("endpoint_not_found"));
    }

    void redirectFollowedWithGetNeverRePosted()
    {
        ModalBackend b(configFor(*m_double, "/redirect?delay=0.2&hops=3"));
        auto req = makeRequest();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::Correct);
        QCOMPARE(r.metadata.value("modal_redirects", 0), 3);
        QCOMPARE(postsFor(*m_double, req.id), 1);
        QCOMPARE(b.stats().gets, std::uint64_t(3));
        QCOMPARE(b.stats().posts, std::uint64_t(1));
    }

    void serverErrorRetriedAndBounded()
    {
        auto c = configFor(*m_double, "/status?code=503");
        c.maxRetries = 2;
        ModalBackend b(c);
        auto req = makeRequest();
        QElapsedTimer t;
        t.start();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QCOMPARE(postsFor(*m_double, req.id), 3); // first send + 2 re-sends, no more
        QCOMPARE(r.metadata.value("modal_resends", 0), 2);
        QVERIFY(r.errorMessage.find("503") != std::string::npos);
        QVERIFY(t.elapsed() < 5000);
    }

    void flakyRecovers()
    {
        // 503 is the proxy's "no capacity": the function was not reached, so re-POSTing is safe.
        ModalBackend b(configFor(*m_double, "/flaky?fail=2&code=503"));
        std::vector<EvalRequest> reqs;
        for (int i = 0; i < 10; ++i)
            reqs.push_back(makeRequest(i));
        auto results = b.evaluateBatch(reqs);
        std::set<std::string> ids;
        for (std::size_t i = 0; i < results.size(); ++i) {
            QCOMPARE(results[i].status, EvalStatus::Correct);
            QCOMPARE(postsFor(*m_double, reqs[i].id), 3);
            ids.insert(results[i].id);
        }
        QCOMPARE(ids.size(), std::size_t(10));
        QCOMPARE(b.stats().completed, std::uint64_t(10));
    }

    void aPostThatMayHaveRunIsNotRepeated()
    {
        // A 502 can follow a container that died mid-evaluation: re-POSTing could run it twice.
        ModalBackend b(configFor(*m_double, "/flaky?fail=1&code=502"));
        auto req = makeRequest();
        auto r = b.evaluate(req);
        QCOMPARE(postsFor(*m_double, req.id), 1);
        QCOMPARE(r.status, EvalStatus::InfraError);
    }

    void rateLimitHonoursRetryAfter()
    {
        auto c = configFor(*m_double, "/status?code=429&retry_after=0.3");
        c.maxRetries = 1;
        ModalBackend b(c);
        auto req = makeRequest();
        QElapsedTimer t;
        t.start();
        auto r = b.evaluate(req);
        QVERIFY(t.elapsed() >= 250);
        QCOMPARE(postsFor(*m_double, req.id), 2);
        QCOMPARE(r.metadata.value("modal_cause", std::string()), std::string("rate_limited"));
    }

    void gatewayTimeoutNotRePosted()
    {
        ModalBackend b(configFor(*m_double, "/status?code=504"));
        auto req = makeRequest();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QCOMPARE(postsFor(*m_double, req.id), 1);
    }

    void stallEndsAtDeadline()
    {
        auto c = configFor(*m_double, "/stall");
        c.deadlineS = 1.5;
        ModalBackend b(c);
        auto req = makeRequest();
        QElapsedTimer t;
        t.start();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY2(r.errorMessage.find("deadline") != std::string::npos, r.errorMessage.c_str());
        QVERIFY(t.elapsed() >= 1400 && t.elapsed() < 4000);
        QCOMPARE(postsFor(*m_double, req.id), 1);
    }

    void trickleEndsAtDeadline()
    {
        auto c = configFor(*m_double, "/trickle?interval=0.2");
        c.deadlineS = 1.5;
        ModalBackend b(c);
        QElapsedTimer t;
        t.start();
        auto r = b.evaluate(makeRequest());
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY(t.elapsed() < 4000);
    }

    void resetIsNotRePosted()
    {
        ModalBackend b(configFor(*m_double, "/reset"));
        auto req = makeRequest();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY2(r.errorMessage.find("not re-sent") != std::string::npos, r.errorMessage.c_str());
        QCOMPARE(postsFor(*m_double, req.id), 1);
    }

    void resultGetRetriedAfterReset()
    {
        ModalBackend b(configFor(*m_double, "/getreset?fails=2"));
        auto req = makeRequest();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::Correct);
        QCOMPARE(postsFor(*m_double, req.id), 1);
    }

    void truncatedInvalidAndNonObjectBodies_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("needle");
        QTest::newRow("truncated") << "/truncated"
                                   << "truncated";
        QTest::newRow("invalid") << "/invalid"
                                 << "invalid or truncated JSON";
        QTest::newRow("nonobject") << "/nonobject"
                                   << "not a result object";
    }
    void truncatedInvalidAndNonObjectBodies()
    {
        QFETCH(QString, path);
        QFETCH(QString, needle);
        ModalBackend b(configFor(*m_double, path.toStdString()));
        auto req = makeRequest();
        auto r = b.evaluate(req);
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY2(r.errorMessage.find(needle.toStdString()) != std::string::npos, r.errorMessage.c_str());
        QCOMPARE(postsFor(*m_double, req.id), 1);
    }

    void redirectLoopBounded()
    {
        auto c = configFor(*m_double, "/loop");
        c.maxRedirects = 8;
        ModalBackend b(c);
        QElapsedTimer t;
        t.start();
        auto r = b.evaluate(makeRequest());
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY2(r.errorMessage.find("kept redirecting") != std::string::npos, r.errorMessage.c_str());
        QVERIFY(t.elapsed() < 10000);
    }

    void connectionRefusedRetriedThenClassified()
    {
        ModalConfig c;
        c.endpoint = "http://127.0.0.1:" + std::to_string(freePort()) + "/ok";
        c.backoffInitialS = 0.02;
        c.maxRetries = 3;
        ModalBackend b(c);
        auto r = b.evaluate(makeRequest());
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY2(r.errorMessage.find("could not connect") != std::string::npos, r.errorMessage.c_str());
        QCOMPARE(b.stats().posts, std::uint64_t(4));
        QCOMPARE(r.metadata.value("modal_cause", std::string()), std::string("network"));
    }

    void cancelDeliversOnce()
    {
        ModalBackend b(configFor(*m_double, "/stall"));
        std::promise<EvalResult> done;
        std::atomic<int> calls{0};
        auto t = b.submit(makeRequest(), [&](const EvalResult& r) {
            if (calls.fetch_add(1) == 0)
                done.set_value(r);
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        b.cancel(t);
        auto f = done.get_future();
        QVERIFY(f.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
        QCOMPARE(f.get().errorMessage, std::string("cancelled"));
        b.cancel(t); // finished ticket: ignored
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        QCOMPARE(calls.load(), 1);
        QCOMPARE(b.pending(), std::size_t(0));
    }

    void destructorCancelsPending()
    {
        std::atomic<int> calls{0};
        {
            ModalBackend b(configFor(*m_double, "/stall"));
            for (int i = 0; i < 5; ++i)
                b.submit(makeRequest(i), [&](const EvalResult& r) {
                    QCOMPARE(r.errorMessage, std::string("cancelled"));
                    calls.fetch_add(1);
                });
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        QCOMPARE(calls.load(), 5);
    }

    void concurrencyLimitAndNoDuplicates()
    {
        auto c = configFor(*m_double, "/ok?delay=0.2");
        c.maxInFlight = 16;
        ModalBackend b(c);
        std::vector<EvalRequest> reqs;
        for (int i = 0; i < 64; ++i)
            reqs.push_back(makeRequest(i));
        std::atomic<int> items{0};
        auto results = b.evaluateBatch(reqs, [&](std::size_t, const EvalResult&) { items.fetch_add(1); });
        QCOMPARE(items.load(), 64);
        std::set<std::string> ids;
        for (std::size_t i = 0; i < results.size(); ++i) {
            QCOMPARE(results[i].id, reqs[i].id);
            QCOMPARE(results[i].status, EvalStatus::Correct);
            ids.insert(results[i].id);
        }
        QCOMPARE(ids.size(), std::size_t(64));
        QVERIFY(b.stats().maxInFlight <= 16);
        QCOMPARE(b.stats().posts, std::uint64_t(64));
    }

    void invalidConfigAndRequestFailFast()
    {
        ModalBackend noEndpoint(ModalConfig{});
        auto r = noEndpoint.evaluate(makeRequest());
        QCOMPARE(r.status, EvalStatus::InfraError);
        QVERIFY(r.errorMessage.find("kernelwatch-cli modal deploy") != std::string::npos);

        ModalBackend b(configFor(*m_double, "/ok"));
        auto bad = makeRequest();
        bad.kernelCode.clear();
        auto r2 = b.evaluate(bad);
        QCOMPARE(r2.status, EvalStatus::InfraError);
        QCOMPARE(b.stats().posts, std::uint64_t(0));
    }

private:
    std::unique_ptr<kwtest::EndpointDouble> m_double;
};

QTEST_GUILESS_MAIN(TestModalBackend)
#include "tst_modal_backend.moc"
