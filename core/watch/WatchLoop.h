#pragma once

#include "core/watch/WatchSource.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kw {

// Drives WatchSources on one background thread: polls each with a byte budget, goes round again
// at once while any has more to do, and otherwise sleeps until the poll interval passes or inotify
// reports a change in a watched directory (where inotify works: not on NFS, so polling stays).
// Callbacks of the sources run on this thread. Rounds never overlap.
class WatchLoop
{
public:
    struct Options
    {
        int intervalMs = 250;
        std::size_t byteBudget = 4u << 20; // per round, per source
        bool useInotify = true;
    };

    WatchLoop() : WatchLoop(Options{}) {}
    explicit WatchLoop(Options options);
    ~WatchLoop();
    WatchLoop(const WatchLoop&) = delete;
    WatchLoop& operator=(const WatchLoop&) = delete;

    void add(std::shared_ptr<WatchSource> source);
    void remove(const WatchSource* source);

    void start();
    void stop(); // waits for the current round to finish
    void wake(); // poll now
    bool running() const { return m_running.load(); }

    // One round on the calling thread (tests, or a caller with its own loop). True when a
    // source has more work.
    bool runOnce();

    std::uint64_t rounds() const { return m_rounds.load(); }
    double maxRoundMs() const { return m_maxRoundUs.load() / 1000.0; } // the longest round so far (wall)
    // The most CPU time one round used (this thread's own time: what a busy machine cannot inflate).
    double maxRoundCpuMs() const { return m_maxRoundCpuUs.load() / 1000.0; }

private:
    void threadMain();
    void syncWatches();
    void waitForChange(int timeoutMs);

    Options m_opts;
    std::mutex m_sourcesMutex;
    std::vector<std::shared_ptr<WatchSource>> m_sources;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
    std::atomic<std::uint64_t> m_rounds{0};
    std::atomic<std::uint64_t> m_maxRoundUs{0};
    std::atomic<std::uint64_t> m_maxRoundCpuUs{0};
    int m_inotifyFd = -1;
    int m_wakeFd = -1;
    std::map<std::string, int> m_watches; // directory -> inotify watch descriptor
};

} // namespace kw
