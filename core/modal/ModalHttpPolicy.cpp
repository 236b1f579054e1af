#include "core/modal/ModalHttpPolicy.h"

#include <algorithm>
#include <cmath>
#include <curl/curl.h>

namespace kw {

double modalBackoffS(int attempt, const ModalConfig& c, double jitter01)
{
    const double base = c.backoffInitialS * std::pow(2.0, std::clamp(attempt, 0, 30));
    const double j = 0.8 + 0.4 * std::clamp(jitter01, 0.0, 1.0);
    return std::min(base * j, c.backoffMaxS);
}

namespace {

bool neverConnected(int code)
{
    return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
           code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_SSL_CONNECT_ERROR;
}

} // namespace

ModalRetryDecision modalRetryDecision(const ModalAttempt& a, int attempt, const ModalConfig& c,
                                      double jitter01)
{
    ModalRetryDecision d;
    if (attempt >= c.maxRetries)
        return d;
    if (a.curlCode != CURLE_OK) {
        const bool ourTimeout = a.curlCode == CURLE_OPERATION_TIMEDOUT;
        const bool tooLarge = a.curlCode == CURLE_WRITE_ERROR || a.curlCode == CURLE_ABORTED_BY_CALLBACK;
        if (neverConnected(a.curlCode) || (a.phase == ModalPhase::FetchResult && !ourTimeout && !tooLarge)) {
            d.retry = true;
            d.reason = curl_easy_strerror(static_cast<CURLcode>(a.curlCode));
        }
    } else {
        const long s = a.httpStatus;
        // A POST is re-sent only on answers Modal's proxy gives without reaching the function
        // (429 rate limit, 503 no capacity). A 500 is the app's own error (the evaluation ran)
        // and a 502 can follow a container that died mid-request: either may have run it.
        const bool postRetryable = s == 429 || s == 503;
        const bool getRetryable = postRetryable || s == 500 || s == 502 || s == 504;
        if (a.phase == ModalPhase::Post ? postRetryable : getRetryable) {
            d.retry = true;
            d.reason = "HTTP " + std::to_string(s);
        }
    }
    if (d.retry) {
        d.delayS = modalBackoffS(attempt, c, jitter01);
        if (a.retryAfterS >= 0)
            d.delayS = std::min(std::max(d.delayS, a.retryAfterS), c.backoffMaxS);
    }
    return d;
}

std::string modalTransportMessage(int code, ModalPhase phase, const std::string& curlError)
{
    const std::string detail =
        curlError.empty() ? curl_easy_strerror(static_cast<CURLcode>(code)) : curlError;
    const bool mayHaveRun = phase == ModalPhase::FetchResult || !neverConnected(code);
    std::string what;
    switch (code) {
    case CURLE_COULDNT_CONNECT:
        what = "could not connect to the Modal endpoint";
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        what = "could not resolve the Modal endpoint's host name";
        break;
    case CURLE_SSL_CONNECT_ERROR:
        what = "TLS handshake with the Modal endpoint failed";
        break;
    case CURLE_OPERATION_TIMEDOUT:
        what = "no answer from the Modal endpoint before the deadline";
        break;
    case CURLE_GOT_NOTHING:
        what = "the Modal endpoint closed the connection without answering";
        break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        what = "the connection to the Modal endpoint was reset";
        break;
    case CURLE_PARTIAL_FILE:
        what = "the Modal endpoint's answer was cut short (truncated response)";
        break;
    case CURLE_WRITE_ERROR:
        what = "the Modal endpoint's answer was too large";
        break;
    default:
        what = "HTTP transfer to the Modal endpoint failed";
        break;
    }
    std::string msg = what + " (" + detail + ")";
    if (phase == ModalPhase::Post && mayHaveRun)
        msg += "; the evaluation may have run, so it was not re-sent";
    return msg;
}

} // namespace kw
