#pragma once

#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"
#include "core/model/EvalResult.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace kw {

class HistoryStore;

// Follows the deployed evaluator's log stream (`modal app logs APP -f --timestamps
// --show-container-id`) on its own thread. KERNELWATCH_EVAL lines become EvalResults (source
// "modal", with their container id: modalLogLineToResult), are added to the history store and then
// delivered in batches; every other line goes to onLines, also in batches. When the stream ends
// (the app stopped, the network dropped, modal failed) it reconnects after a backoff that doubles
// from minBackoffS to maxBackoffS (back to the minimum only after a stream that brought new lines).
// After a reconnect it first fetches `modal app logs --since <last timestamp>` so that nothing logged
// while the stream was down is lost. `modal app logs -f` replays recent entries on each connect:
// lines and results already seen are dropped.
class ModalLogFollower
{
public:
    struct Options
    {
        std::string app = std::string(kEvaluatorAppName);
        HistoryStore* store = nullptr; // not owned
        double minBackoffS = 1.0;
        double maxBackoffS = 60.0;
        double flushIntervalS = 0.2; // a batch waits at most this long
        std::size_t maxBatch = 256;
    };

    struct ResultBatch
    {
        std::vector<EvalResult> results;
        std::size_t newInStore = 0;
    };

    // Stream state changes: connected, or ended (with why, and when the next try comes).
    struct StreamEvent
    {
        bool connected = false;
        ModalDiagnosis diagnosis; // why it ended (ok() when it just ended)
        int exitCode = 0;
        double retryInS = 0;
        long linesSeen = 0;
    };

    struct Callbacks
    {
        std::function<void(const ResultBatch&)> onResults;
        std::function<void(const std::vector<ModalLogLine>&)> onLines;
        std::function<void(const StreamEvent&)> onStream;
        std::function<void(const std::string& message)> onError; // payload or store failures
    };

    struct Stats
    {
        std::uint64_t lines = 0, results = 0, duplicates = 0, badPayloads = 0, connects = 0, storeErrors = 0;
        std::uint64_t replayedLines = 0; // lines seen before (replays on reconnect, backfill overlap)
        std::uint64_t backfills = 0;     // `app logs --since` fetches after a reconnect
        std::string lastDiagnosis;
    };

    ModalLogFollower(ModalCli cli, Options options, Callbacks callbacks);
    ~ModalLogFollower();
    ModalLogFollower(const ModalLogFollower&) = delete;
    ModalLogFollower& operator=(const ModalLogFollower&) = delete;

    void start();
    void stop(); // ends the modal process and joins
    bool running() const { return m_running.load(); }
    Stats stats() const;

private:
    void threadMain();
    void flusherMain();
    void onLine(const ModalLogLine& line);
    void flush();
    bool seen(const std::string& id);
    bool waitFor(double seconds); // false when stopped meanwhile

    ModalCli m_cli;
    Options m_opts;
    Callbacks m_cb;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stop{false};
    std::thread m_thread, m_flusher;
    mutable std::mutex m_mutex; // pending batches, stats, seen ids
    std::condition_variable m_wake;
    std::mutex m_flushMutex; // one flush at a time, in order
    std::vector<EvalResult> m_pendingResults;
    std::vector<ModalLogLine> m_pendingLines;
    double m_pendingSince = 0;
    std::unordered_set<std::string> m_seen;
    std::string m_lastTimestamp; // of the newest line seen (for --since after a reconnect)
    long m_newLines = 0;         // lines not seen before, in the current connection
    std::deque<std::string> m_seenOrder;
    Stats m_stats;
};

} // namespace kw
