#pragma once

#include "core/model/EvalResult.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kw {

class HistoryStore;

// Adds results to a HistoryStore on its own thread, batch by batch, in submission order, so that
// watchers never wait for SQLite (a commit, a WAL checkpoint on a busy disk) between polls. Each
// batch's `done` runs on the writer thread after the batch is committed: a result is reported
// only once it is stored. Producers check pending() to hold back bulk work (backpressure).
class StoreWriter
{
public:
    // results (moved back), how many were new, and an error message when the batch failed.
    using Done = std::function<void(std::vector<EvalResult>&& results, std::size_t newInStore,
                                    const std::string& error)>;

    explicit StoreWriter(HistoryStore& store);
    ~StoreWriter(); // commits what is queued, then stops
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    void submit(std::vector<EvalResult> results, Done done);
    void flush();                // waits until everything submitted so far is committed
    std::size_t pending() const; // results queued or being written
    HistoryStore& store() const { return m_store; }

private:
    struct Batch
    {
        std::vector<EvalResult> results;
        Done done;
    };
    void threadMain();

    HistoryStore& m_store;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake, m_idle;
    std::deque<Batch> m_queue;
    std::size_t m_pending = 0;
    bool m_busy = false, m_stop = false;
    std::thread m_thread;
};

} // namespace kw
