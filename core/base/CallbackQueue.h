#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace kw {

// Runs posted callbacks one at a time, in posting order, on a thread of its own: user callbacks
// never run under the scheduler's locks, never inside submit()/cancel(), and a slow one never
// delays a timeout kill. The destructor runs everything still queued, then joins (when it is
// itself called from a callback, the thread finishes the queue on its own).
class CallbackQueue
{
public:
    CallbackQueue();
    ~CallbackQueue();
    CallbackQueue(const CallbackQueue&) = delete;
    CallbackQueue& operator=(const CallbackQueue&) = delete;

    void post(std::function<void()> fn);
    // Blocks until everything posted before this call has run (no-op from a callback).
    void drain();
    bool onQueueThread() const { return std::this_thread::get_id() == m_thread.get_id(); }

private:
    struct State
    {
        std::mutex mutex;
        std::condition_variable cv;
        std::condition_variable idle;
        std::deque<std::function<void()>> queue;
        bool running = false;
        bool stop = false;
    };
    static void loop(std::shared_ptr<State> s);

    std::shared_ptr<State> m_state;
    std::thread m_thread;
};

} // namespace kw
