#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdint>
#include <functional>
#include <utility>

namespace kw::ui {

// The GUI's one way to leave the UI thread and come back (issue 16): a Job belongs to the object
// that waits for its answers (a member), owns one worker thread, and runs the work handed to
// start() there, one piece at a time, in order. Each piece's answer comes back on the owner's
// thread, to the callback given with it, unless a later start() or discard() has made it stale:
// the latest request wins, as in a search box or a chart that redraws when its filter changes.
// The destructor waits for the piece in progress and drops its answer, so work must capture what
// it needs by value and never the owner. Long blocking work (a `modal` command, an evaluation's
// size probe) is fine: the thread is the Job's own, not the global pool's. But the owner's
// destructor waits for it, so work that can block for long (the network, a child process) takes
// a stop flag (shared_ptr<atomic<bool>>, captured by value) that the owner sets in its destructor
// body, before its Job members wait (DeploymentBridge, SettingsBridge).
// To report from inside the work while it runs, post() (ui/base/UiThread.h).
template <typename Result> class Job
{
public:
    explicit Job(QObject* owner)
    {
        m_pool.setMaxThreadCount(1);
        m_pool.setExpiryTimeout(30000);
        QObject::connect(&m_watcher, &QFutureWatcher<Delivery>::finished, owner, [this] { deliver(); });
    }
    ~Job() { wait(); }
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    // Runs work() on the Job's thread; done(result) on the owner's thread if still current.
    template <typename Work, typename Done> void start(Work work, Done done)
    {
        const std::uint64_t generation = ++m_generation;
        m_done = std::function<void(Result)>(std::move(done));
        QFuture<Delivery> f = QtConcurrent::run(&m_pool, [work = std::move(work), generation]() mutable {
            return Delivery{work(), generation};
        });
        m_futures.push_back(f);
        if (!m_watcher.isRunning() && m_futures.size() == 1)
            m_watcher.setFuture(f);
    }
    // Pieces started so far will not be answered.
    void discard() { ++m_generation; }
    // Work started and not yet answered (or dropped).
    bool busy() const { return !m_futures.isEmpty(); }
    // Blocks until the work started so far has run and answers what is current now, on this
    // thread (tests, screenshots: a chart that must be drawn before it is saved).
    void finish()
    {
        m_pool.waitForDone();
        while (!m_futures.isEmpty() && m_futures.first().isFinished())
            deliver();
    }
    // Blocks until the work in progress and queued has run; their answers are dropped.
    void wait()
    {
        discard();
        m_pool.waitForDone();
        m_watcher.waitForFinished();
    }

private:
    struct Delivery
    {
        Result result;
        std::uint64_t generation = 0;
    };
    void deliver()
    {
        if (m_futures.isEmpty() || !m_futures.first().isFinished())
            return; // answered already by finish(); the watcher follows the next piece

        QFuture<Delivery> f = m_futures.takeFirst();
        if (!m_futures.isEmpty())
            m_watcher.setFuture(m_futures.first());
        if (!f.isValid() || f.resultCount() == 0)
            return;
        Delivery d = f.result();
        if (d.generation == m_generation && m_done) {
            auto done = m_done; // the callback may start() again
            done(std::move(d.result));
        }
    }

    QThreadPool m_pool;
    QFutureWatcher<Delivery> m_watcher;
    QList<QFuture<Delivery>> m_futures;
    std::function<void(Result)> m_done;
    std::uint64_t m_generation = 0;
};

} // namespace kw::ui
