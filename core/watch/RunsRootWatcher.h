#pragma once

#include "core/watch/RunDirWatcher.h"
#include "core/watch/WatchSource.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kw {

// Watches a directory whose run directories appear (and disappear) by themselves, e.g. kernel_rl's
// ./runs: every directory up to maxDepth below the root that holds traces.jsonl or metrics.jsonl
// (the root itself included) gets a RunDirWatcher. The root is rescanned at most every
// rescanInterval seconds; each poll shares the byte budget among the runs that have work.
class RunsRootWatcher : public WatchSource
{
public:
    struct Options
    {
        std::string root;
        int maxDepth = 2;
        double rescanIntervalS = 1.0;
        HistoryStore* store = nullptr; // given to every run
        bool buildResults = true;
        std::size_t maxLineBytes = 16u << 20;
    };

    struct Callbacks
    {
        RunDirWatcher::Callbacks run; // for every run (batches say which run)
        std::function<void(const std::shared_ptr<RunDirWatcher>&)> onRunAdded;
        std::function<void(const std::string& name, const std::string& dir)> onRunRemoved;
    };

    RunsRootWatcher(Options options, Callbacks callbacks);

    PollStatus poll(std::size_t byteBudget) override;
    std::vector<std::string> watchedDirs() const override;

    const std::string& root() const { return m_opts.root; }
    std::vector<std::shared_ptr<RunDirWatcher>> runs() const;
    // Rescans now at the next poll (e.g. after an inotify event on the root).
    void rescanSoon() { m_nextScan = 0; }

private:
    void rescan();
    void scanDir(const std::string& dir, int depth, std::vector<std::string>& found,
                 std::vector<std::string>& dirs) const;

    Options m_opts;
    Callbacks m_cb;
    double m_nextScan = 0;
    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<RunDirWatcher>> m_runs; // by directory
    std::vector<std::string> m_dirs;                              // every directory scanned
    std::size_t m_cursor = 0;                                     // round-robin start
};

} // namespace kw
