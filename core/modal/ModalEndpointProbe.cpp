#include "core/modal/ModalEndpointProbe.h"

#include "core/modal/ModalHttpPolicy.h"

#include <chrono>
#include <curl/curl.h>
#include <mutex>

namespace kw {

namespace {
size_t append(char* d, size_t s, size_t n, void* u)
{
    auto* out = static_cast<std::string*>(u);
    if (out->size() > (1u << 20))
        return 0;
    out->append(d, s * n);
    return s * n;
}

// libcurl calls this at least once a second, also while it resolves and connects.
int stopRequested(void* u, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto* stop = static_cast<const std::atomic<bool>*>(u);
    return stop && stop->load() ? 1 : 0;
}
} // namespace

ModalProbeResult probeModalEndpoint(const ModalConfig& config, double timeoutS, const std::atomic<bool>* stop)
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    ModalProbeResult r;
    if (config.endpoint.empty()) {
        r.diagnosis = modalDiagnosisFor(ModalCause::EndpointNotFound, "no endpoint configured");
        r.diagnosis.summary = "no endpoint URL configured";
        return r;
    }
    const auto t0 = std::chrono::steady_clock::now();
    CURL* e = curl_easy_init();
    std::string body;
    const std::string payload = R"({"op":"ping"})";
    curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    if (!config.proxyKey.empty()) {
        h = curl_slist_append(h, ("Modal-Key: " + config.proxyKey).c_str());
        h = curl_slist_append(h, ("Modal-Secret: " + config.proxySecret).c_str());
    }
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(e, CURLOPT_URL, config.endpoint.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &append);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeoutS * 1000));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connectTimeoutS * 1000));
    if (!config.caBundle.empty())
        curl_easy_setopt(e, CURLOPT_CAINFO, config.caBundle.c_str());
    if (stop) {
        curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &stopRequested);
        curl_easy_setopt(e, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(stop));
        curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    }
    const CURLcode code = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.httpStatus);
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (code == CURLE_ABORTED_BY_CALLBACK) {
        r.diagnosis = modalDiagnosisFor(ModalCause::Stopped, errbuf);
        r.diagnosis.summary = "the endpoint probe " + r.diagnosis.summary;
        return r;
    }
    if (code != CURLE_OK) {
        r.diagnosis = modalDiagnosisFor(
            code == CURLE_OPERATION_TIMEDOUT ? ModalCause::Timeout : ModalCause::Network, errbuf);
        r.diagnosis.summary = modalTransportMessage(code, ModalPhase::FetchResult, errbuf);
        return r;
    }
    r.diagnosis = classifyModalHttp(r.httpStatus, body);
    if (!r.diagnosis.ok())
        return r;
    r.info = nlohmann::json::parse(body, nullptr, false);
    if (!r.info.is_object() || !r.info.value("ok", false)) {
        r.diagnosis = modalDiagnosisFor(ModalCause::Unknown, body.substr(0, 200));
        r.diagnosis.summary = "the endpoint answered, but not like kernelwatch's evaluator app";
        r.diagnosis.fix = "redeploy it (kernelwatch-cli modal deploy) or check the URL";
        r.info = nullptr;
        return r;
    }
    r.ok = true;
    return r;
}

} // namespace kw
