#include "core/modal/ModalLogFollower.h"

#include "core/modal/ModalEvalRecord.h"
#include "core/model/HistoryStore.h"

#include <algorithm>
#include <chrono>

namespace kw {

namespace {
constexpr std::size_t kSeenCapacity = 20000;
}

ModalLogFollower::ModalLogFollower(ModalCli cli, Options options, Callbacks callbacks)
    : m_cli(std::move(cli)), m_opts(std::move(options)), m_cb(std::move(callbacks))
{
}

ModalLogFollower::~ModalLogFollower()
{
    stop();
}

void ModalLogFollower::start()
{
    if (m_running.exchange(true))
        return;
    m_stop = false;
    m_thread = std::thread([this] { threadMain(); });
    m_flusher = std::thread([this] { flusherMain(); });
}

void ModalLogFollower::stop()
{
    if (!m_running.load())
        return;
    m_stop = true;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    if (m_flusher.joinable())
        m_flusher.join();
    flush();
    m_running = false;
}

ModalLogFollower::Stats ModalLogFollower::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

bool ModalLogFollower::waitFor(double seconds)
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return m_stop.load(); });
}

bool ModalLogFollower::seen(const std::string& id)
{
    // m_mutex held
    if (m_seen.count(id))
        return true;
    m_seen.insert(id);
    m_seenOrder.push_back(id);
    if (m_seenOrder.size() > kSeenCapacity) {
        m_seen.erase(m_seenOrder.front());
        m_seenOrder.pop_front();
    }
    return false;
}

void ModalLogFollower::onLine(const ModalLogLine& line)
{
    bool flushNow = false;
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.lines;
        const double now = nowUnixSeconds();
        if (m_pendingResults.empty() && m_pendingLines.empty())
            m_pendingSince = now;
        // `modal app logs -f` replays recent entries on each connect, and a backfill overlaps
        // the stream: a line seen before (same timestamp, container and text) is not new.
        if (!line.timestamp.empty() &&
            seen("line|" + line.timestamp + "|" + line.containerId + "|" + line.message)) {
            ++m_stats.replayedLines;
            return;
        }
        ++m_newLines;
        if (!line.timestamp.empty())
            m_lastTimestamp = line.timestamp;
        if (line.eval) {
            if (auto r = modalLogLineToResult(line)) {
                if (seen(r->id)) {
                    ++m_stats.duplicates;
                } else {
                    ++m_stats.results;
                    m_pendingResults.push_back(std::move(*r));
                }
            } else {
                ++m_stats.badPayloads;
            }
        } else {
            if (!line.evalError.empty())
                ++m_stats.badPayloads;
            m_pendingLines.push_back(line);
        }
        flushNow = m_pendingResults.size() + m_pendingLines.size() >= m_opts.maxBatch ||
                   now - m_pendingSince >= m_opts.flushIntervalS;
    }
    if (flushNow)
        flush();
}

void ModalLogFollower::flush()
{
    std::lock_guard order(m_flushMutex);
    ResultBatch batch;
    std::vector<ModalLogLine> lines;
    {
        std::lock_guard lock(m_mutex);
        batch.results.swap(m_pendingResults);
        lines.swap(m_pendingLines);
    }
    if (!batch.results.empty()) {
        if (m_opts.store) {
            try {
                batch.newInStore = m_opts.store->addMany(batch.results);
            } catch (const std::exception& e) {
                {
                    std::lock_guard lock(m_mutex);
                    m_stats.storeErrors += batch.results.size();
                }
                if (m_cb.onError)
                    m_cb.onError(std::string("could not store results: ") + e.what());
            }
        }
        if (m_cb.onResults)
            m_cb.onResults(batch);
    }
    if (!lines.empty() && m_cb.onLines)
        m_cb.onLines(lines);
}

void ModalLogFollower::flusherMain()
{
    while (!m_stop.load()) {
        if (!waitFor(m_opts.flushIntervalS))
            break;
        bool due = false;
        {
            std::lock_guard lock(m_mutex);
            due = (!m_pendingResults.empty() || !m_pendingLines.empty()) &&
                  nowUnixSeconds() - m_pendingSince >= m_opts.flushIntervalS;
        }
        if (due)
            flush();
    }
}

void ModalLogFollower::threadMain()
{
    double backoff = m_opts.minBackoffS;
    while (!m_stop.load()) {
        {
            std::lock_guard lock(m_mutex);
            ++m_stats.connects;
        }
        if (m_cb.onStream) {
            StreamEvent ev;
            ev.connected = true;
            m_cb.onStream(ev);
        }
        ModalLogOptions o;
        o.timestamps = true;
        o.showContainerId = true;
        std::string since;
        {
            std::lock_guard lock(m_mutex);
            m_newLines = 0;
            since = m_lastTimestamp;
        }
        // After a reconnect, first fetch what was logged while the stream was down (from the last
        // line seen on): evaluations logged during the back-off are not lost.
        if (!since.empty()) {
            ModalLogOptions b = o;
            b.since = since;
            const auto back = m_cli.appLogs(m_opts.app, b);
            for (const auto& line : back.value)
                onLine(line);
            std::lock_guard lock(m_mutex);
            ++m_stats.backfills;
        }
        const auto r = m_cli.followAppLogs(
            m_opts.app, o, [this](const ModalLogLine& line) { onLine(line); }, &m_stop);
        flush();
        if (m_stop.load())
            break;
        long newLines = 0;
        {
            std::lock_guard lock(m_mutex);
            newLines = m_newLines;
        }
        // Back to the shortest wait only after a stream that brought something new: one that ends
        // at once after replaying old entries must not reconnect every second forever.
        backoff = newLines > 0 ? m_opts.minBackoffS : std::min(m_opts.maxBackoffS, backoff);
        {
            std::lock_guard lock(m_mutex);
            m_stats.lastDiagnosis = r.diagnosis.ok() ? std::string("stream ended") : r.diagnosis.message();
        }
        if (m_cb.onStream) {
            StreamEvent ev;
            ev.diagnosis = r.diagnosis;
            ev.exitCode = r.command.exitCode;
            ev.retryInS = backoff;
            ev.linesSeen = newLines;
            m_cb.onStream(ev);
        }
        if (!waitFor(backoff))
            break;
        backoff = std::min(m_opts.maxBackoffS, backoff * 2);
    }
}

} // namespace kw
