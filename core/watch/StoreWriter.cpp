#include "core/watch/StoreWriter.h"

#include "core/model/HistoryStore.h"

namespace kw {

StoreWriter::StoreWriter(HistoryStore& store) : m_store(store)
{
    m_thread = std::thread([this] { threadMain(); });
}

StoreWriter::~StoreWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void StoreWriter::submit(std::vector<EvalResult> results, Done done)
{
    if (results.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_pending += results.size();
        m_queue.push_back(Batch{std::move(results), std::move(done)});
    }
    m_wake.notify_one();
}

void StoreWriter::flush()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_queue.empty() && !m_busy; });
}

std::size_t StoreWriter::pending() const
{
    std::lock_guard lock(m_mutex);
    return m_pending;
}

void StoreWriter::threadMain()
{
    for (;;) {
        Batch b;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty()) // stopping, and everything is written
                return;
            b = std::move(m_queue.front());
            m_queue.pop_front();
            m_busy = true;
        }
        std::size_t added = 0;
        std::string error;
        try {
            added = m_store.addMany(b.results);
        } catch (const std::exception& e) {
            error = e.what();
        }
        const std::size_t n = b.results.size();
        if (b.done)
            b.done(std::move(b.results), added, error);
        {
            std::lock_guard lock(m_mutex);
            m_pending -= n;
            m_busy = false;
        }
        m_idle.notify_all();
    }
}

} // namespace kw
