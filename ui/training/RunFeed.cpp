#include "ui/training/RunFeed.h"

#include "core/watch/RunsRootWatcher.h"
#include "core/watch/WatchLoop.h"

#include <QMetaObject>
#include <QPointer>

namespace kw::ui {

RunFeed::RunFeed(QObject* parent) : QObject(parent) {}

RunFeed::~RunFeed()
{
    stop();
}

void RunFeed::stop()
{
    if (m_loop)
        m_loop->stop(); // waits for the round in progress: no callback runs after this
    m_loop.reset();
    m_root.reset();
    std::lock_guard lock(m_mutex);
    m_runs.clear();
    m_staged.clear();
}

RunFeed::RunUpdate& RunFeed::staged(const std::string& run)
{
    return m_staged[QString::fromStdString(run)];
}

void RunFeed::schedule()
{
    if (m_scheduled.exchange(true))
        return;
    QPointer<RunFeed> self(this);
    QMetaObject::invokeMethod(
        this,
        [self] {
            if (self)
                self->flush();
        },
        Qt::QueuedConnection);
}

void RunFeed::flush()
{
    m_scheduled = false;
    ++m_flushes;
    Q_EMIT updatesReady();
}

RunFeed::Updates RunFeed::take()
{
    std::lock_guard lock(m_mutex);
    Updates out;
    out.swap(m_staged);
    return out;
}

std::vector<RunFeed::RunState> RunFeed::runStates() const
{
    std::vector<RunState> out;
    std::lock_guard lock(m_mutex);
    for (const auto& [dir, w] : m_runs) {
        const RunWatchStats st = w->stats();
        out.push_back({QString::fromStdString(w->name()), QString::fromStdString(dir), st.bytesRead,
                       st.lastLineAt, w->caughtUp()});
    }
    return out;
}

void RunFeed::follow(const QString& path, int pollMs)
{
    stop();
    m_path = path;
    if (path.isEmpty())
        return;

    RunsRootWatcher::Options o;
    o.root = path.toStdString();
    // The table and charts need only the index; results are built when they are to be stored.
    o.buildResults = m_store != nullptr;
    o.store = m_store.get();
    RunsRootWatcher::Callbacks cb;
    cb.run.onTraces = [this](const TraceBatch& b) {
        std::vector<TraceRow> rows;
        rows.reserve(b.records.size());
        for (const TraceRecord& r : b.records)
            rows.push_back(TraceRow::from(r));
        {
            std::lock_guard lock(m_mutex);
            auto& u = staged(b.run);
            u.rows.insert(u.rows.end(), std::make_move_iterator(rows.begin()),
                          std::make_move_iterator(rows.end()));
        }
        schedule();
    };
    cb.run.onMetrics = [this](const MetricsBatch& b) {
        {
            std::lock_guard lock(m_mutex);
            auto& u = staged(b.run);
            for (MetricsRecord m : b.records) {
                m.values.clear();
                u.metrics.push_back(std::move(m));
            }
        }
        schedule();
    };
    cb.run.onReset = [this](const std::string& run, RunFile file, TailReset) {
        {
            std::lock_guard lock(m_mutex);
            auto& u = staged(run);
            if (file == RunFile::Traces) {
                u.tracesReset = true;
                u.rows.clear();
                u.steps.clear();
            } else {
                u.metricsReset = true;
                u.metrics.clear();
            }
        }
        schedule();
    };
    cb.run.onStepsChanged = [this](const std::string& run, std::size_t first, std::size_t count) {
        std::shared_ptr<RunDirWatcher> w;
        {
            std::lock_guard lock(m_mutex);
            for (const auto& [dir, r] : m_runs)
                if (r->name() == run)
                    w = r;
        }
        if (!w)
            return;
        std::vector<TraceTableModel::StepValue> steps;
        steps.reserve(count);
        for (const TraceRecord& r : w->records(first, count))
            steps.push_back({r.step, r.stepSource});
        {
            std::lock_guard lock(m_mutex);
            staged(run).steps.emplace_back(first, std::move(steps));
        }
        schedule();
    };
    cb.run.onIndexed = [this](const std::string& run) {
        {
            std::lock_guard lock(m_mutex);
            staged(run).indexed = true;
        }
        schedule();
    };
    cb.run.onError = [this](const std::string& run, const std::string& message) {
        {
            std::lock_guard lock(m_mutex);
            staged(run).errors.push_back(QString::fromStdString(message));
        }
        schedule();
    };
    cb.onRunAdded = [this](const std::shared_ptr<RunDirWatcher>& w) {
        {
            std::lock_guard lock(m_mutex);
            m_runs[w->dir()] = w;
            auto& u = staged(w->name());
            u.added = true;
            u.dir = QString::fromStdString(w->dir());
        }
        schedule();
    };
    cb.onRunRemoved = [this](const std::string& name, const std::string& dir) {
        {
            std::lock_guard lock(m_mutex);
            m_runs.erase(dir);
            auto& u = staged(name);
            u.removed = true;
        }
        schedule();
    };

    m_root = std::make_shared<RunsRootWatcher>(std::move(o), std::move(cb));
    WatchLoop::Options lo;
    lo.intervalMs = pollMs;
    lo.byteBudget = 8u << 20;
    m_loop = std::make_unique<WatchLoop>(lo);
    m_loop->add(m_root);
    m_loop->start();
}

} // namespace kw::ui
