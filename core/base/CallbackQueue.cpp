#include "core/base/CallbackQueue.h"

#include <cstdio>
#include <exception>

namespace kw {

CallbackQueue::CallbackQueue() : m_state(std::make_shared<State>())
{
    m_thread = std::thread(&CallbackQueue::loop, m_state);
}

CallbackQueue::~CallbackQueue()
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stop = true;
    }
    m_state->cv.notify_all();
    if (onQueueThread())
        m_thread.detach(); // the loop owns its state and ends after the queue is empty
    else
        m_thread.join();
}

void CallbackQueue::post(std::function<void()> fn)
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->queue.push_back(std::move(fn));
    }
    m_state->cv.notify_one();
}

void CallbackQueue::drain()
{
    if (onQueueThread())
        return;
    std::unique_lock lock(m_state->mutex);
    m_state->idle.wait(lock, [this] { return m_state->queue.empty() && !m_state->running; });
}

void CallbackQueue::loop(std::shared_ptr<State> s)
{
    std::unique_lock lock(s->mutex);
    for (;;) {
        s->cv.wait(lock, [&s] { return s->stop || !s->queue.empty(); });
        if (s->queue.empty())
            break; // stop requested and nothing left
        auto fn = std::move(s->queue.front());
        s->queue.pop_front();
        s->running = true;
        lock.unlock();
        try {
            if (fn)
                fn();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "kernelwatch: a result callback threw: %s\n", e.what());
        } catch (...) {
            std::fprintf(stderr, "kernelwatch: a result callback threw\n");
        }
        fn = nullptr; // release captures before signalling idle
        lock.lock();
        s->running = false;
        if (s->queue.empty())
            s->idle.notify_all();
    }
    s->idle.notify_all();
}

} // namespace kw
