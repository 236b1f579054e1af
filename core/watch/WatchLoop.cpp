#include "core/watch/WatchLoop.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace kw {

namespace {

std::uint64_t threadCpuUs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

void raiseTo(std::atomic<std::uint64_t>& slot, std::uint64_t v)
{
    std::uint64_t prev = slot.load();
    while (v > prev && !slot.compare_exchange_weak(prev, v)) {
    }
}

} // namespace

WatchLoop::WatchLoop(Options options) : m_opts(options)
{
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_opts.useInotify)
        m_inotifyFd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
}

WatchLoop::~WatchLoop()
{
    stop();
    if (m_inotifyFd >= 0)
        ::close(m_inotifyFd);
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

void WatchLoop::add(std::shared_ptr<WatchSource> source)
{
    {
        std::lock_guard lock(m_sourcesMutex);
        m_sources.push_back(std::move(source));
    }
    wake();
}

void WatchLoop::remove(const WatchSource* source)
{
    std::lock_guard lock(m_sourcesMutex);
    m_sources.erase(std::remove_if(m_sources.begin(), m_sources.end(),
                                   [source](const auto& s) { return s.get() == source; }),
                    m_sources.end());
}

void WatchLoop::start()
{
    if (m_running.exchange(true))
        return;
    m_thread = std::thread([this] { threadMain(); });
}

void WatchLoop::stop()
{
    if (!m_running.exchange(false))
        return;
    wake();
    if (m_thread.joinable())
        m_thread.join();
}

void WatchLoop::wake()
{
    if (m_wakeFd >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
}

bool WatchLoop::runOnce()
{
    std::vector<std::shared_ptr<WatchSource>> sources;
    {
        std::lock_guard lock(m_sourcesMutex);
        sources = m_sources;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t cpu0 = threadCpuUs();
    bool more = false;
    for (const auto& s : sources)
        more = s->poll(m_opts.byteBudget).more || more;
    const auto us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
    raiseTo(m_maxRoundUs, us);
    raiseTo(m_maxRoundCpuUs, threadCpuUs() - cpu0);
    ++m_rounds;
    return more;
}

void WatchLoop::syncWatches()
{
    if (m_inotifyFd < 0)
        return;
    std::vector<std::string> dirs;
    {
        std::lock_guard lock(m_sourcesMutex);
        for (const auto& s : m_sources)
            for (auto& d : s->watchedDirs())
                dirs.push_back(std::move(d));
    }
    std::sort(dirs.begin(), dirs.end());
    dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
    for (auto it = m_watches.begin(); it != m_watches.end();) {
        if (!std::binary_search(dirs.begin(), dirs.end(), it->first)) {
            ::inotify_rm_watch(m_inotifyFd, it->second);
            it = m_watches.erase(it);
        } else {
            ++it;
        }
    }
    constexpr std::uint32_t kMask =
        IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_ATTRIB;
    for (const auto& d : dirs) {
        if (m_watches.count(d))
            continue;
        const int wd = ::inotify_add_watch(m_inotifyFd, d.c_str(), kMask);
        if (wd >= 0)
            m_watches.emplace(d, wd);
    }
}

void WatchLoop::waitForChange(int timeoutMs)
{
    pollfd fds[2];
    nfds_t n = 0;
    if (m_wakeFd >= 0)
        fds[n++] = {m_wakeFd, POLLIN, 0};
    if (m_inotifyFd >= 0)
        fds[n++] = {m_inotifyFd, POLLIN, 0};
    if (n == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(timeoutMs));
        return;
    }
    ::poll(fds, n, timeoutMs);
    char drain[4096];
    if (m_wakeFd >= 0)
        while (::read(m_wakeFd, drain, sizeof(std::uint64_t)) > 0) {
        }
    if (m_inotifyFd >= 0)
        while (::read(m_inotifyFd, drain, sizeof drain) > 0) {
        }
}

void WatchLoop::threadMain()
{
    while (m_running.load()) {
        syncWatches();
        const bool more = runOnce();
        if (!m_running.load())
            break;
        if (!more)
            waitForChange(m_opts.intervalMs);
    }
}

} // namespace kw
