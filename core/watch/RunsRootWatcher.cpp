#include "core/watch/RunsRootWatcher.h"

#include "core/model/EvalResult.h"

#include <algorithm>
#include <dirent.h>
#include <sys/stat.h>

namespace kw {

namespace {

bool isDir(const std::string& p)
{
    struct stat st
    {
    };
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool isFile(const std::string& p)
{
    struct stat st
    {
    };
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool isRunDir(const std::string& dir)
{
    return isFile(dir + "/traces.jsonl") || isFile(dir + "/metrics.jsonl");
}

} // namespace

RunsRootWatcher::RunsRootWatcher(Options options, Callbacks callbacks)
    : m_opts(std::move(options)), m_cb(std::move(callbacks))
{
    while (m_opts.root.size() > 1 && m_opts.root.back() == '/')
        m_opts.root.pop_back();
}

void RunsRootWatcher::scanDir(const std::string& dir, int depth, std::vector<std::string>& found,
                              std::vector<std::string>& dirs) const
{
    dirs.push_back(dir);
    if (isRunDir(dir)) {
        found.push_back(dir);
        return; // a run's subdirectories (checkpoints, tensorboard) are not runs
    }
    if (depth >= m_opts.maxDepth)
        return;
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return;
    std::vector<std::string> children;
    while (dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.empty() || name[0] == '.')
            continue;
        if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN && e->d_type != DT_LNK)
            continue;
        const std::string path = dir + "/" + name;
        if (isDir(path))
            children.push_back(path);
        if (children.size() >= 10000)
            break;
    }
    ::closedir(d);
    std::sort(children.begin(), children.end());
    for (const auto& c : children)
        scanDir(c, depth + 1, found, dirs);
}

void RunsRootWatcher::rescan()
{
    std::vector<std::string> found, dirs;
    if (isDir(m_opts.root))
        scanDir(m_opts.root, 0, found, dirs);

    std::vector<std::shared_ptr<RunDirWatcher>> added;
    std::vector<std::pair<std::string, std::string>> removed;
    {
        std::lock_guard lock(m_mutex);
        m_dirs = dirs;
        for (auto it = m_runs.begin(); it != m_runs.end();) {
            if (std::find(found.begin(), found.end(), it->first) == found.end() && !isDir(it->first)) {
                removed.emplace_back(it->second->name(), it->first);
                it = m_runs.erase(it);
            } else {
                ++it;
            }
        }
        for (const auto& dir : found) {
            if (m_runs.count(dir))
                continue;
            RunDirWatcher::Options o;
            o.runDir = dir;
            o.store = m_opts.store;
            o.buildResults = m_opts.buildResults;
            o.maxLineBytes = m_opts.maxLineBytes;
            auto w = std::make_shared<RunDirWatcher>(o, m_cb.run);
            m_runs.emplace(dir, w);
            added.push_back(w);
        }
    }
    for (const auto& [name, dir] : removed)
        if (m_cb.onRunRemoved)
            m_cb.onRunRemoved(name, dir);
    for (const auto& w : added)
        if (m_cb.onRunAdded)
            m_cb.onRunAdded(w);
}

PollStatus RunsRootWatcher::poll(std::size_t byteBudget)
{
    const double now = nowUnixSeconds();
    if (now >= m_nextScan) {
        rescan();
        m_nextScan = now + m_opts.rescanIntervalS;
    }
    std::vector<std::shared_ptr<RunDirWatcher>> runs = this->runs();
    PollStatus total;
    if (runs.empty())
        return total;
    // Share the budget; start at a rotating run so that none is starved by the ones before it.
    const std::size_t share = std::max<std::size_t>(byteBudget / runs.size(), 1u << 20);
    std::size_t spent = 0;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        auto& w = runs[(m_cursor + k) % runs.size()];
        if (spent >= byteBudget) {
            total.more = true; // the rest waits for the next poll
            break;
        }
        const auto before = w->stats().bytesRead;
        PollStatus s = w->poll(share);
        spent += static_cast<std::size_t>(w->stats().bytesRead - std::min(before, w->stats().bytesRead));
        total.progressed = total.progressed || s.progressed;
        total.more = total.more || s.more;
    }
    m_cursor = (m_cursor + 1) % runs.size();
    return total;
}

std::vector<std::string> RunsRootWatcher::watchedDirs() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::string> dirs = m_dirs;
    if (dirs.empty())
        dirs.push_back(m_opts.root);
    return dirs;
}

std::vector<std::shared_ptr<RunDirWatcher>> RunsRootWatcher::runs() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<RunDirWatcher>> out;
    out.reserve(m_runs.size());
    for (const auto& [dir, w] : m_runs)
        out.push_back(w);
    return out;
}

} // namespace kw
