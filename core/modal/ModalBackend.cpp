#include "core/modal/ModalBackend.h"

#include "core/modal/ModalErrorClassifier.h"
#include "core/modal/ModalHttpPolicy.h"
#include "core/modal/ModalResponse.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <curl/curl.h>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

namespace kw {

namespace {

using Clock = std::chrono::steady_clock;

void globalInit()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// "scheme://host:port" of a URL, lower-cased host; empty when unparsable.
std::string originOf(const std::string& url)
{
    std::string out;
    CURLU* u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
        char *scheme = nullptr, *host = nullptr, *port = nullptr;
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
        curl_url_get(u, CURLUPART_HOST, &host, 0);
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
        if (scheme && host && port)
            out = std::string(scheme) + "://" + host + ":" + port;
        curl_free(scheme);
        curl_free(host);
        curl_free(port);
    }
    curl_url_cleanup(u);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct Job
{
    Evaluator::Ticket ticket = 0;
    EvalRequest request;
    Evaluator::ResultFn onDone;
    Evaluator::ProgressFn onProgress;
    std::string body; // serialized once
    double createdAt = 0;
    Clock::time_point submitted;
    bool started = false;
    Clock::time_point deadline;
    std::multimap<Clock::time_point, Evaluator::Ticket>::iterator deadlineIt;
    bool hasDelay = false;
    std::multimap<Clock::time_point, Evaluator::Ticket>::iterator delayIt;

    ModalPhase phase = ModalPhase::Post;
    std::string url;
    int attempts = 0; // re-sends made
    int redirects = 0;
    Clock::time_point sentAt;
    CURL* easy = nullptr;
    std::string response;
    bool tooLarge = false;
    double retryAfterS = -1;
    std::size_t limit = 0;
    char errbuf[CURL_ERROR_SIZE] = {};
};

size_t onWrite(char* data, size_t size, size_t n, void* userp)
{
    auto* job = static_cast<Job*>(userp);
    const size_t bytes = size * n;
    if (job->response.size() + bytes > job->limit) {
        job->tooLarge = true;
        return 0; // CURLE_WRITE_ERROR
    }
    job->response.append(data, bytes);
    return bytes;
}

size_t onHeader(char* data, size_t size, size_t n, void* userp)
{
    auto* job = static_cast<Job*>(userp);
    const size_t bytes = size * n;
    std::string_view h(data, bytes);
    constexpr std::string_view kRetry = "retry-after:";
    if (h.size() > kRetry.size()) {
        std::string head(h.substr(0, kRetry.size()));
        for (char& c : head)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (head == kRetry) {
            const std::string v(h.substr(kRetry.size()));
            char* end = nullptr;
            const double s = std::strtod(v.c_str(), &end);
            if (end != v.c_str() && s >= 0)
                job->retryAfterS = s;
        }
    }
    return bytes;
}

} // namespace

class ModalBackend::Impl
{
public:
    explicit Impl(ModalConfig c) : m_config(std::move(c))
    {
        globalInit();
        m_configError = m_config.validate();
        m_origin = originOf(m_config.endpoint);
        m_multi = curl_multi_init();
        curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(m_config.maxInFlight));
        curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, static_cast<long>(m_config.maxInFlight + 16));
        m_headers = curl_slist_append(m_headers, "Content-Type: application/json");
        m_headers = curl_slist_append(m_headers, "Accept: application/json");
        m_headers = curl_slist_append(m_headers, "Expect:");
        m_authHeaders = curl_slist_append(nullptr, "Content-Type: application/json");
        m_authHeaders = curl_slist_append(m_authHeaders, "Accept: application/json");
        m_authHeaders = curl_slist_append(m_authHeaders, "Expect:");
        if (!m_config.proxyKey.empty()) {
            m_authHeaders = curl_slist_append(m_authHeaders, ("Modal-Key: " + m_config.proxyKey).c_str());
            m_authHeaders =
                curl_slist_append(m_authHeaders, ("Modal-Secret: " + m_config.proxySecret).c_str());
        }
        m_thread = std::thread([this] { loop(); });
    }

    ~Impl()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        curl_multi_wakeup(m_multi);
        m_thread.join();
        for (CURL* e : m_pool)
            curl_easy_cleanup(e);
        curl_multi_cleanup(m_multi);
        curl_slist_free_all(m_headers);
        curl_slist_free_all(m_authHeaders);
    }

    Ticket submit(EvalRequest req, ResultFn onDone, ProgressFn onProgress)
    {
        auto job = std::make_unique<Job>();
        if (req.id.empty())
            req.id = EvalRequest::makeId();
        req.target = "modal";
        if (req.gpuType.empty())
            req.gpuType = m_config.gpuType;
        job->createdAt = nowUnixSeconds();
        job->submitted = Clock::now();
        job->onDone = std::move(onDone);
        job->onProgress = std::move(onProgress);
        job->limit = m_config.maxResponseBytes;
        std::string invalid = m_configError;
        if (invalid.empty())
            invalid = validateRequest(req);
        job->request = std::move(req);
        const Ticket t = m_nextTicket.fetch_add(1);
        job->ticket = t;
        if (!invalid.empty()) {
            // Delivered on the caller's thread: nothing was queued.
            EvalResult r = EvalResult::infraError(job->request, invalid);
            finishModalResult(r, job->request, job->createdAt, nowUnixSeconds());
            if (job->onDone)
                job->onDone(r);
            return t;
        }
        job->body =
            nlohmann::json(job->request).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        m_pending.fetch_add(1);
        {
            std::lock_guard lock(m_mutex);
            m_incoming.push_back(std::move(job));
        }
        curl_multi_wakeup(m_multi);
        return t;
    }

    void cancel(Ticket t)
    {
        {
            std::lock_guard lock(m_mutex);
            m_cancels.push_back(t);
        }
        curl_multi_wakeup(m_multi);
    }

    void cancelAll()
    {
        {
            std::lock_guard lock(m_mutex);
            m_cancelAll = true;
        }
        curl_multi_wakeup(m_multi);
    }

    std::size_t pending() const { return m_pending.load(); }
    Stats stats() const
    {
        std::lock_guard lock(m_statsMutex);
        return m_stats;
    }

    ModalConfig m_config;
    std::string m_configError;

private:
    void loop()
    {
        std::mt19937 rng(std::random_device{}());
        std::uniform_real_distribution<double> jitter(0.0, 1.0);
        for (;;) {
            std::vector<std::unique_ptr<Job>> incoming;
            std::vector<Ticket> cancels;
            bool cancelAll = false, stopping = false;
            {
                std::lock_guard lock(m_mutex);
                incoming.swap(m_incoming);
                cancels.swap(m_cancels);
                cancelAll = std::exchange(m_cancelAll, false);
                stopping = m_stopping;
            }
            for (auto& j : incoming) {
                const Ticket t = j->ticket;
                m_ready.push_back(t);
                progress(*j, EvalStage::Queued, "waiting for a connection slot");
                m_jobs.emplace(t, std::move(j));
            }
            if (stopping || cancelAll) {
                std::vector<Ticket> all;
                for (auto& [t, j] : m_jobs)
                    all.push_back(t);
                for (Ticket t : all)
                    finishFailure(t, "cancelled", ModalCause::None);
                if (stopping)
                    return;
            }
            for (Ticket t : cancels)
                if (m_jobs.count(t))
                    finishFailure(t, "cancelled", ModalCause::None);

            const auto now = Clock::now();
            while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
                const Ticket t = m_deadlines.begin()->second;
                Job& j = *m_jobs.at(t);
                const double secs = std::chrono::duration<double>(j.deadline - j.sentAt).count();
                (void)secs;
                finishFailure(
                    t,
                    "no result from Modal within the deadline (" +
                        std::to_string(static_cast<long>(m_config.deadlineFor(j.request.timeoutS))) +
                        " s); the evaluation may still be running there",
                    ModalCause::Timeout);
            }
            while (!m_delayed.empty() && m_delayed.begin()->first <= now) {
                const Ticket t = m_delayed.begin()->second;
                Job& j = *m_jobs.at(t);
                m_delayed.erase(m_delayed.begin());
                j.hasDelay = false;
                m_ready.push_front(t); // a re-send goes before new work
            }
            while (m_inFlight < static_cast<std::size_t>(m_config.maxInFlight) && !m_ready.empty()) {
                const Ticket t = m_ready.front();
                m_ready.pop_front();
                if (m_jobs.count(t))
                    startTransfer(*m_jobs.at(t));
            }

            int running = 0;
            curl_multi_perform(m_multi, &running);
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(m_multi, &left)) {
                if (msg->msg != CURLMSG_DONE)
                    continue;
                Job* j = nullptr;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&j));
                transferDone(*j, static_cast<int>(msg->data.result), jitter(rng));
            }

            long waitMs = 1000;
            const auto next = Clock::now();
            if (!m_deadlines.empty())
                waitMs = std::min<long>(waitMs, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    m_deadlines.begin()->first - next)
                                                        .count() +
                                                    1);
            if (!m_delayed.empty())
                waitMs = std::min<long>(waitMs, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    m_delayed.begin()->first - next)
                                                        .count() +
                                                    1);
            if (!m_ready.empty() && m_inFlight < static_cast<std::size_t>(m_config.maxInFlight))
                waitMs = 0;
            curl_multi_poll(m_multi, nullptr, 0, static_cast<int>(std::max<long>(waitMs, 0)), nullptr);
        }
    }

    void progress(const Job& j, EvalStage stage, std::string detail)
    {
        if (!j.onProgress)
            return;
        EvalProgress p;
        p.requestId = j.request.id;
        p.stage = stage;
        p.elapsedS = std::chrono::duration<double>(Clock::now() - j.submitted).count();
        p.detail = std::move(detail);
        j.onProgress(p);
    }

    CURL* takeEasy()
    {
        if (!m_pool.empty()) {
            CURL* e = m_pool.back();
            m_pool.pop_back();
            curl_easy_reset(e);
            return e;
        }
        return curl_easy_init();
    }

    void startTransfer(Job& j)
    {
        const auto now = Clock::now();
        if (!j.started) {
            j.started = true;
            j.deadline = now + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(m_config.deadlineFor(j.request.timeoutS)));
            j.deadlineIt = m_deadlines.emplace(j.deadline, j.ticket);
        }
        j.sentAt = now;
        j.response.clear();
        j.tooLarge = false;
        j.retryAfterS = -1;
        j.errbuf[0] = 0;
        CURL* e = takeEasy();
        j.easy = e;
        const std::string& url = j.phase == ModalPhase::Post ? m_config.endpoint : j.url;
        curl_easy_setopt(e, CURLOPT_URL, url.c_str());
        curl_easy_setopt(e, CURLOPT_PRIVATE, &j);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &onWrite);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &j);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &onHeader);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, &j);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j.errbuf);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "kernelwatch/" KW_VERSION);
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_config.connectTimeoutS * 1000));
        const auto leftMs = std::chrono::duration_cast<std::chrono::milliseconds>(j.deadline - now).count();
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(leftMs, 1)));
        if (!m_config.caBundle.empty())
            curl_easy_setopt(e, CURLOPT_CAINFO, m_config.caBundle.c_str());
        // Proxy auth only to the endpoint's own origin: a redirect elsewhere never gets the token.
        const bool sameOrigin = j.phase == ModalPhase::Post || originOf(url) == m_origin;
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, sameOrigin ? m_authHeaders : m_headers);
        if (j.phase == ModalPhase::Post) {
            curl_easy_setopt(e, CURLOPT_POST, 1L);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, j.body.data());
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(j.body.size()));
        } else {
            curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        }
        curl_multi_add_handle(m_multi, e);
        ++m_inFlight;
        {
            std::lock_guard lock(m_statsMutex);
            (j.phase == ModalPhase::Post ? m_stats.posts : m_stats.gets)++;
            m_stats.maxInFlight = std::max(m_stats.maxInFlight, m_inFlight);
        }
        progress(j, EvalStage::Queued,
                 j.phase == ModalPhase::Post ? "sent to Modal" : "waiting for the result on Modal");
    }

    void releaseEasy(Job& j)
    {
        if (!j.easy)
            return;
        curl_multi_remove_handle(m_multi, j.easy);
        m_pool.push_back(j.easy);
        j.easy = nullptr;
        --m_inFlight;
    }

    void schedule(Job& j, double delayS)
    {
        if (delayS <= 0) {
            m_ready.push_front(j.ticket);
            return;
        }
        j.hasDelay = true;
        j.delayIt = m_delayed.emplace(
            Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delayS)),
            j.ticket);
    }

    void transferDone(Job& j, int code, double jitter01)
    {
        long status = 0;
        curl_easy_getinfo(j.easy, CURLINFO_RESPONSE_CODE, &status);
        std::string location;
        if (char* loc = nullptr; curl_easy_getinfo(j.easy, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
            location = loc;
        const double hop = std::chrono::duration<double>(Clock::now() - j.sentAt).count();
        const std::string curlError = j.errbuf;
        releaseEasy(j);

        if (code == CURLE_OK && (status == 301 || status == 302 || status == 303)) {
            if (location.empty())
                return finishFailure(j.ticket, "the Modal endpoint answered 303 without a result URL",
                                     ModalCause::ServerError);
            if (++j.redirects > m_config.maxRedirects)
                return finishFailure(j.ticket,
                                     "the result URL kept redirecting (" + std::to_string(j.redirects - 1) +
                                         " redirects); gave up",
                                     ModalCause::ServerError);
            {
                std::lock_guard lock(m_statsMutex);
                ++m_stats.redirects;
            }
            j.phase = ModalPhase::FetchResult;
            j.url = location;
            // Modal long-polls each hop; a redirect that comes back at once, again and again, is
            // a loop: slow it down instead of hammering.
            const double delay =
                (j.redirects > 3 && hop < 1.0) ? std::min(0.25 * (j.redirects - 3), 5.0) : 0.0;
            return schedule(j, delay);
        }
        if (code == CURLE_OK && status >= 200 && status < 300) {
            EvalResult r = modalResultFromBody(j.request, j.response);
            return finish(j.ticket, std::move(r));
        }

        ModalAttempt a;
        a.phase = j.phase;
        a.curlCode = code;
        a.httpStatus = code == CURLE_OK ? status : 0;
        a.retryAfterS = j.retryAfterS;
        const ModalRetryDecision decision = modalRetryDecision(a, j.attempts, m_config, jitter01);
        const auto timeLeft = std::chrono::duration<double>(j.deadline - Clock::now()).count();
        if (decision.retry && decision.delayS < timeLeft) {
            ++j.attempts;
            {
                std::lock_guard lock(m_statsMutex);
                ++m_stats.retries;
            }
            progress(j, EvalStage::Queued,
                     decision.reason + ": re-sending in " + std::to_string(decision.delayS).substr(0, 4) +
                         " s");
            return schedule(j, decision.delayS);
        }
        if (code != CURLE_OK) {
            ModalCause cause = code == CURLE_OPERATION_TIMEDOUT ? ModalCause::Timeout : ModalCause::Network;
            std::string msg = modalTransportMessage(code, j.phase, j.tooLarge ? "" : curlError);
            if (j.attempts > 0)
                msg += " (after " + std::to_string(j.attempts) + " re-sends)";
            return finishFailure(j.ticket, msg, cause);
        }
        ModalDiagnosis dg = classifyModalHttp(status, j.response);
        if (j.attempts > 0)
            dg.summary += " (after " + std::to_string(j.attempts) + " re-sends)";
        EvalResult r = modalFailureResult(j.request, dg);
        r.metadata["http_status"] = status;
        finish(j.ticket, std::move(r));
    }

    void finishFailure(Ticket t, const std::string& message, ModalCause cause)
    {
        Job& j = *m_jobs.at(t);
        EvalResult r = EvalResult::infraError(j.request, message);
        if (cause != ModalCause::None)
            r.metadata["modal_cause"] = std::string(modalCauseName(cause));
        finish(t, std::move(r));
    }

    void finish(Ticket t, EvalResult r)
    {
        auto it = m_jobs.find(t);
        if (it == m_jobs.end())
            return;
        std::unique_ptr<Job> j = std::move(it->second);
        m_jobs.erase(it);
        releaseEasy(*j);
        if (j->started)
            m_deadlines.erase(j->deadlineIt);
        if (j->hasDelay)
            m_delayed.erase(j->delayIt);
        // A ticket still in m_ready is skipped when popped (no longer in m_jobs).
        if (j->attempts > 0)
            r.metadata["modal_resends"] = j->attempts;
        if (j->redirects > 0)
            r.metadata["modal_redirects"] = j->redirects;
        finishModalResult(r, j->request, j->createdAt, nowUnixSeconds());
        {
            std::lock_guard lock(m_statsMutex);
            ++m_stats.completed;
        }
        m_pending.fetch_sub(1);
        progress(*j, EvalStage::Done, std::string(statusName(r.status)));
        if (j->onDone)
            j->onDone(r);
    }

    CURLM* m_multi = nullptr;
    curl_slist* m_headers = nullptr;
    curl_slist* m_authHeaders = nullptr;
    std::string m_origin;
    std::thread m_thread;

    mutable std::mutex m_mutex; // guards the four below
    std::vector<std::unique_ptr<Job>> m_incoming;
    std::vector<Ticket> m_cancels;
    bool m_cancelAll = false;
    bool m_stopping = false;

    std::atomic<Ticket> m_nextTicket{1};
    std::atomic<std::size_t> m_pending{0};
    mutable std::mutex m_statsMutex;
    Stats m_stats;

    // Loop thread only.
    std::unordered_map<Ticket, std::unique_ptr<Job>> m_jobs;
    std::deque<Ticket> m_ready;
    std::multimap<Clock::time_point, Ticket> m_deadlines;
    std::multimap<Clock::time_point, Ticket> m_delayed;
    std::vector<CURL*> m_pool;
    std::size_t m_inFlight = 0;
};

ModalBackend::ModalBackend(ModalConfig config) : d(std::make_unique<Impl>(std::move(config))) {}
ModalBackend::~ModalBackend() = default;

const ModalConfig& ModalBackend::config() const
{
    return d->m_config;
}
std::string ModalBackend::configError() const
{
    return d->m_configError;
}
std::string ModalBackend::describe() const
{
    return d->m_config.describe();
}

Evaluator::Ticket ModalBackend::submit(EvalRequest request, ResultFn onDone, ProgressFn onProgress)
{
    return d->submit(std::move(request), std::move(onDone), std::move(onProgress));
}

void ModalBackend::cancel(Ticket ticket)
{
    d->cancel(ticket);
}
void ModalBackend::cancelAll()
{
    d->cancelAll();
}
std::size_t ModalBackend::pending() const
{
    return d->pending();
}
ModalBackend::Stats ModalBackend::stats() const
{
    return d->stats();
}

} // namespace kw
