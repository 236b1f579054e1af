#pragma once

#include "core/modal/ModalConfig.h"

#include <string>

namespace kw {

// Which request of an evaluation: the POST that starts it, or a GET of the result URL that a
// 303 pointed to (safe to repeat: it starts nothing).
enum class ModalPhase
{
    Post,
    FetchResult
};

// How one HTTP attempt ended.
struct ModalAttempt
{
    ModalPhase phase = ModalPhase::Post;
    int curlCode = 0;        // CURLcode; 0 = a complete HTTP response arrived
    long httpStatus = 0;     // 0 when none arrived
    double retryAfterS = -1; // Retry-After header, seconds; < 0 when absent
};

struct ModalRetryDecision
{
    bool retry = false;
    double delayS = 0;
    std::string reason; // "connection refused", "HTTP 503", ...
};

// Retries only where the evaluation surely did not run (POST): the connection was never made
// (refused, DNS, TLS handshake), or Modal's proxy answered 429 or 503 without reaching the
// function. A 500 (the app's own error), a 502 (a container that died mid-request), a reset, a
// stall or a 504 after the request went out may have run the evaluation: never re-POSTed. GETs of the result
// URL are retried on any transport error and on 429/5xx. `attempt` counts re-sends already made; `jitter01`
// in [0,1) spreads the backoff (0.5 = none).
ModalRetryDecision modalRetryDecision(const ModalAttempt& a, int attempt, const ModalConfig& c,
                                      double jitter01);

// Backoff before re-send number `attempt + 1`: initial × 2^attempt, ±20 % jitter, capped.
double modalBackoffS(int attempt, const ModalConfig& c, double jitter01);

// A readable sentence for a transport failure (curl code), saying whether the evaluation may
// have run.
std::string modalTransportMessage(int curlCode, ModalPhase phase, const std::string& curlError);

} // namespace kw
