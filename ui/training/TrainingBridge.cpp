#include "ui/training/TrainingBridge.h"

#include "core/usecase/RunAlerts.h"
#include "core/watch/RunsRootWatcher.h"
#include "core/watch/TraceDetails.h"
#include "core/watch/WatchLoop.h"
#include "ui/base/QtStd.h"
#include "ui/base/UiThread.h"

#include <QPointer>

#include <algorithm>

namespace kw::ui {

namespace {

TraceRow rowOf(const TraceRecord& r)
{
    TraceRow row;
    row.time = r.timestamp;
    row.reward = r.reward;
    row.speedup = r.speedup;
    row.runtimeMs = r.runtimeMs;
    row.problem = qs(r.problem());
    row.backend = qs(r.backend);
    row.offset = r.offset;
    row.idHash = r.idHash;
    row.length = r.length;
    row.step = r.step;
    row.stepSource = r.stepSource;
    row.turn = r.turn;
    row.level = r.level;
    row.status = r.status;
    row.valid = r.valid();
    row.compiled = r.compiled;
    row.correct = r.correctness;
    row.cheated = r.cheated;
    return row;
}

StepMetrics metricsOf(const MetricsRecord& m)
{
    StepMetrics s;
    s.step = m.step;
    s.valid = m.valid();
    s.rewardMean = m.rewardMean;
    s.rewardStd = m.rewardStd;
    s.modalEvalMean = m.modalEvalMean;
    return s;
}

TrainingBridge::Details detailsOf(const TraceDetails& d)
{
    TrainingBridge::Details out;
    out.ok = d.ok;
    out.error = qs(d.error);
    if (!d.ok)
        return out;
    out.evalResult = qs(d.evalResultJson.dump(2));
    for (const auto& [key, value] : d.rewardBreakdown.items())
        out.reward.push_back(
            {qs(key), value.is_number() ? QString::number(value.get<double>(), 'g', 4) : qs(value.dump())});
    out.thought = qs(d.thought);
    for (const PromptMessage& m : d.promptMessages)
        out.prompt.push_back({qs(m.role), qs(m.content)});
    out.kernel = qs(d.kernel.empty() ? d.raw : d.kernel);
    return out;
}

} // namespace

TrainingBridge::TrainingBridge(QObject* parent) : QObject(parent) {}

TrainingBridge::~TrainingBridge()
{
    stop();
}

void TrainingBridge::stop()
{
    if (m_loop)
        m_loop->stop(); // waits for the round in progress: no callback runs after this
    m_loop.reset();
    m_root.reset();
    ++m_generation; // what the old watchers posted and has not arrived yet is dropped
    m_runs.clear();
    m_watchRuns.clear();
    m_staged.clear();
}

void TrainingBridge::schedule()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    post(QPointer<QObject>(this), [this] { flush(); });
}

void TrainingBridge::flush()
{
    m_scheduled = false;
    ++m_flushes;
    Q_EMIT updatesReady();
}

TrainingBridge::Updates TrainingBridge::take()
{
    Updates out;
    out.swap(m_staged);
    return out;
}

std::vector<TrainingBridge::RunState> TrainingBridge::runStates() const
{
    std::vector<RunState> out;
    for (const auto& [dir, w] : m_runs) {
        const RunWatchStats st = w->stats();
        out.push_back({qs(w->name()), qs(dir), st.bytesRead, st.lastLineAt, w->caughtUp()});
    }
    return out;
}

void TrainingBridge::follow(const QString& path, int pollMs)
{
    stop();
    m_path = path;
    if (path.isEmpty())
        return;

    // Every callback runs on the watch thread and hands its part to the UI thread, where it is
    // staged until the next flush; parts of an earlier follow() are dropped there.
    const std::uint64_t generation = m_generation;
    const QPointer<QObject> guard(this);
    auto stage = [this, guard, generation](const std::string& run, auto fn) {
        post(guard, [this, generation, name = qs(run), fn = std::move(fn)]() mutable {
            if (generation != m_generation)
                return;
            fn(m_staged[name]);
            schedule();
        });
    };

    RunsRootWatcher::Options o;
    o.root = toStd(path);
    // The table and charts need only the index; results are built when they are to be stored.
    o.buildResults = m_store != nullptr;
    o.store = m_store.get();
    RunsRootWatcher::Callbacks cb;
    cb.run.onTraces = [stage](const TraceBatch& b) {
        std::vector<TraceRow> rows;
        rows.reserve(b.records.size());
        for (const TraceRecord& r : b.records)
            rows.push_back(rowOf(r));
        stage(b.run, [rows = std::move(rows)](RunUpdate& u) mutable {
            u.rows.insert(u.rows.end(), std::make_move_iterator(rows.begin()),
                          std::make_move_iterator(rows.end()));
        });
    };
    cb.run.onMetrics = [stage](const MetricsBatch& b) {
        std::vector<StepMetrics> metrics;
        metrics.reserve(b.records.size());
        for (const MetricsRecord& m : b.records)
            metrics.push_back(metricsOf(m));
        stage(b.run, [metrics = std::move(metrics)](RunUpdate& u) {
            u.metrics.insert(u.metrics.end(), metrics.begin(), metrics.end());
        });
    };
    cb.run.onReset = [stage](const std::string& run, RunFile file, TailReset) {
        stage(run, [traces = file == RunFile::Traces](RunUpdate& u) {
            if (traces) {
                u.tracesReset = true;
                u.rows.clear();
                u.steps.clear();
            } else {
                u.metricsReset = true;
                u.metrics.clear();
            }
        });
    };
    cb.run.onStepsChanged = [this, stage](const std::string& run, std::size_t first, std::size_t count) {
        std::shared_ptr<RunDirWatcher> w;
        for (const auto& [dir, r] : m_watchRuns)
            if (r->name() == run)
                w = r;
        if (!w)
            return;
        std::vector<TraceTableModel::StepValue> steps;
        steps.reserve(count);
        for (const TraceRecord& r : w->records(first, count))
            steps.push_back({r.step, r.stepSource});
        stage(run, [first, steps = std::move(steps)](RunUpdate& u) mutable {
            u.steps.emplace_back(first, std::move(steps));
        });
    };
    cb.run.onIndexed = [stage](const std::string& run) {
        stage(run, [](RunUpdate& u) { u.indexed = true; });
    };
    cb.run.onError = [stage](const std::string& run, const std::string& message) {
        stage(run, [m = qs(message)](RunUpdate& u) { u.errors.push_back(m); });
    };
    cb.onRunAdded = [this, stage](const std::shared_ptr<RunDirWatcher>& w) {
        m_watchRuns[w->dir()] = w;
        stage(w->name(), [this, w](RunUpdate& u) {
            m_runs[w->dir()] = w;
            u.added = true;
            u.dir = qs(w->dir());
        });
    };
    cb.onRunRemoved = [this, stage](const std::string& name, const std::string& dir) {
        m_watchRuns.erase(dir);
        stage(name, [this, dir](RunUpdate& u) {
            m_runs.erase(dir);
            u.removed = true;
        });
    };

    m_root = std::make_shared<RunsRootWatcher>(std::move(o), std::move(cb));
    WatchLoop::Options lo;
    lo.intervalMs = pollMs;
    lo.byteBudget = 8u << 20;
    m_loop = std::make_unique<WatchLoop>(lo);
    m_loop->add(m_root);
    m_loop->start();
}

void TrainingBridge::loadDetails(const QString& runDir, const TraceRow& row)
{
    m_details.start([path = toStd(runDir + QStringLiteral("/traces.jsonl")), offset = row.offset,
                     length = row.length,
                     hash = row.idHash] { return detailsOf(loadTraceDetails(path, offset, length, hash)); },
                    [this](Details d) { Q_EMIT detailsLoaded(d); });
}

QStringList TrainingBridge::alerts(const QString& run, double quietSeconds, const std::vector<TraceRow>& rows,
                                   int stallSeconds)
{
    // The rules and their words are core's (RunAlerts), shared with `kernelwatch-cli watch`.
    RunAlertRules rules;
    rules.stallSeconds = stallSeconds;
    const std::size_t keep = rules.recent + rules.before;
    std::vector<AlertSample> samples;
    samples.reserve(std::min(keep, rows.size()));
    for (std::size_t i = rows.size() > keep ? rows.size() - keep : 0; i < rows.size(); ++i)
        samples.push_back({rows[i].valid, rows[i].cheated, rows[i].status});
    QStringList out;
    for (const RunAlert& a : runAlerts(toStd(run), quietSeconds, samples, rules))
        out << qs(a.message());
    return out;
}

bool TrainingBridge::stepExact(StepSource s)
{
    return stepIsExact(s);
}

QString TrainingBridge::stepExplanation(StepSource s)
{
    switch (s) {
    case StepSource::Line:
        return tr("Exact: the line names its step");
    case StepSource::Tensorboard:
        return tr("Exact: from the TensorBoard event times of the process that wrote it");
    case StepSource::Metrics:
        return tr("From when the step's metrics line was written (reliable; exact once the run is read "
                  "again with its TensorBoard files)");
    case StepSource::Checkpoint:
        return tr("From when kernel_rl wrote the step's checkpoint (reliable; exact once the run is read "
                  "again with its TensorBoard files)");
    case StepSource::Arrival:
        return tr("The step in progress when the line arrived");
    case StepSource::Assumed:
        return tr("No step has ended yet: the first step is assumed");
    case StepSource::Estimated:
        return tr("Estimated from step durations and pauses between lines (no TensorBoard files): may be "
                  "one step off near a step boundary");
    case StepSource::None:
        break;
    }
    return tr("Unknown step");
}

} // namespace kw::ui
