#include "core/watch/RunDirWatcher.h"

#include "core/watch/TensorboardEvents.h"

#include "core/model/HistoryStore.h"
#include "core/watch/MetricsLineParser.h"
#include "core/watch/StoreWriter.h"
#include "core/watch/TraceLineParser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fcntl.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace kw {

namespace {

std::string baseName(std::string path)
{
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

double mtimeOf(const std::string& path)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return TraceRecord::kNone;
    return static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9;
}

bool readSmallFile(const std::string& path, std::string& out, std::size_t maxBytes)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    out.clear();
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || out.size() + static_cast<std::size_t>(n) > maxBytes)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return true;
}

// The step times of every process that wrote TensorBoard events into `dir` (one root-level
// events.out.tfevents.* file per process; the add_scalars subfolders and hparams folders repeat
// the same steps and are not read).
std::vector<TensorboardStepTimes> readTensorboardProcesses(const std::string& dir)
{
    std::vector<TensorboardStepTimes> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("events.out.tfevents.", 0) != 0 || !it->is_regular_file(ec))
            continue;
        std::string bytes;
        if (!readSmallFile(it->path().string(), bytes, 1u << 30))
            continue;
        auto times = parseTensorboardEvents(bytes);
        if (!times.invalid && times.hasStart)
            out.push_back(std::move(times));
    }
    return out;
}

} // namespace

// ---- RunDirWatcher ----------------------------------------------------------------------------

RunDirWatcher::RunDirWatcher(Options options, Callbacks callbacks)
    : m_opts(std::move(options)), m_cb(std::move(callbacks))
{
    std::error_code ec;
    m_dir = std::filesystem::absolute(m_opts.runDir, ec).lexically_normal().string();
    if (ec || m_dir.empty())
        m_dir = m_opts.runDir;
    while (m_dir.size() > 1 && m_dir.back() == '/')
        m_dir.pop_back();
    m_name = m_opts.runName.empty() ? baseName(m_dir) : m_opts.runName;
    m_ctx.run = m_name;
    m_ctx.tracesPath = tracesPath();
    FileTailer::Options to;
    to.maxLineBytes = m_opts.maxLineBytes;
    m_traces = std::make_unique<FileTailer>(tracesPath(), to);
    m_metricsTail = std::make_unique<FileTailer>(metricsPath(), to);
    m_traceSink = std::make_unique<TraceLineCollector>(m_steps, m_ctx);
    m_traceSink->buildResults = m_opts.buildResults;
    m_metricsSink = std::make_unique<MetricsLineCollector>();
}

RunDirWatcher::~RunDirWatcher()
{
    if (m_opts.writer)
        m_opts.writer->flush(); // its callbacks refer to this watcher
}

HistoryStore* RunDirWatcher::storeForLookups() const
{
    return m_opts.writer ? &m_opts.writer->store() : m_opts.store;
}

RunDirWatcher::Phase RunDirWatcher::phase() const
{
    std::lock_guard lock(m_mutex);
    return m_phase;
}

RunInfo RunDirWatcher::info() const
{
    std::lock_guard lock(m_mutex);
    return m_info;
}

RunWatchStats RunDirWatcher::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

std::size_t RunDirWatcher::recordCount() const
{
    std::lock_guard lock(m_mutex);
    return m_index.size();
}

std::vector<TraceRecord> RunDirWatcher::records(std::size_t first, std::size_t count) const
{
    std::lock_guard lock(m_mutex);
    if (first >= m_index.size())
        return {};
    const std::size_t n = std::min(count, m_index.size() - first);
    return {m_index.begin() + static_cast<std::ptrdiff_t>(first),
            m_index.begin() + static_cast<std::ptrdiff_t>(first + n)};
}

std::vector<MetricsRecord> RunDirWatcher::metrics() const
{
    std::lock_guard lock(m_mutex);
    return m_metrics;
}

std::vector<StepMapper::Boundary> RunDirWatcher::stepBoundaries() const
{
    std::lock_guard lock(m_mutex);
    return m_steps.boundaries();
}

void RunDirWatcher::error(const std::string& message)
{
    {
        std::lock_guard lock(m_mutex);
        if (message == m_lastError)
            return; // the same failure on every poll is reported once
        m_lastError = message;
    }
    if (m_cb.onError)
        m_cb.onError(m_name, message);
}

void RunDirWatcher::readConfig()
{
    const std::string path = m_dir + "/config.json";
    std::string text;
    if (!readSmallFile(path, text, 8u << 20))
        return;
    RunInfo info = parseRunConfig(text);
    m_configRead = true;
    m_ctx.target = info.useModal ? "modal" : "local";
    m_ctx.gpuType = info.useModal ? info.gpuType : std::string();
    m_ctx.timeoutS = info.modalTimeoutS;
    m_ctx.numCorrectTrials = info.numCorrectTrials;
    m_ctx.measurePerformance = info.measurePerformance;
    std::lock_guard lock(m_mutex);
    m_info = std::move(info);
}

bool RunDirWatcher::pollMetrics(std::size_t budget, PollStatus& status)
{
    MetricsLineCollector& sink = *m_metricsSink;
    const FileTailer::PollResult r = m_metricsTail->poll(sink, budget);
    if (!r.error.empty())
        error(r.error);
    const bool live = phase() != Phase::Indexing;
    if (!sink.resets.empty()) {
        {
            std::lock_guard lock(m_mutex);
            m_metrics.clear();
            m_steps.clear();
            m_stats.metricsLines = m_stats.metricsRecords = 0;
            m_stats.metricsSkipped.clear();
            m_stats.resets += sink.resets.size();
        }
        if (m_cb.onReset)
            for (TailReset why : sink.resets)
                m_cb.onReset(m_name, RunFile::Metrics, why);
        sink.resets.clear();
    }
    if (r.bytesRead > 0 || !sink.records.empty() || sink.lines > 0) {
        status.progressed = true;
        const double seenAt = live ? mtimeOf(metricsPath()) : TraceRecord::kNone;
        MetricsBatch batch;
        batch.run = m_name;
        {
            std::lock_guard lock(m_mutex);
            batch.firstIndex = m_metrics.size();
            for (std::size_t i = 0; i < sink.records.size(); ++i) {
                const MetricsRecord& m = sink.records[i];
                if (live)
                    m_steps.addLive(m.step, m.wallTime, m.timeTotal, m.timeRollout,
                                    i + 1 == sink.records.size() ? seenAt : TraceRecord::kNone);
                else
                    m_steps.addBulk(m.step, m.wallTime, m.timeTotal, m.timeRollout);
            }
            m_stats.metricsLines += sink.lines;
            m_stats.metricsRecords += sink.records.size();
            m_stats.bytesRead += r.bytesRead;
            for (const auto& [reason, n] : sink.notes)
                m_stats.metricsSkipped[reason] += n;
            m_metrics.insert(m_metrics.end(), sink.records.begin(), sink.records.end());
        }
        batch.records = std::move(sink.records);
        sink.clear();
        if (m_cb.onMetrics && !batch.records.empty())
            m_cb.onMetrics(batch);
    }
    if (r.more)
        status.more = true;
    return r.more;
}

void RunDirWatcher::pollCheckpoints(bool live)
{
    // kernel_rl writes checkpoint `batch` b before step b runs and a resume writes its start
    // checkpoint again: live, each new line says which step runs now. The file is small (one short
    // line per step); indexing only moves past what is there.
    const std::string path = m_dir + "/checkpoints.jsonl";
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < m_checkpointsOffset)
        m_checkpointsOffset = 0; // rewritten
    if (size == m_checkpointsOffset)
        return;
    std::string text;
    if (!readSmallFile(path, text, 64u << 20))
        return;
    const double seenAt = mtimeOf(path);
    std::size_t pos = std::min<std::size_t>(m_checkpointsOffset, text.size());
    while (pos < text.size()) {
        const auto nl = text.find('\n', pos);
        if (nl == std::string::npos)
            break; // a line still being written
        const auto line = std::string_view(text).substr(pos, nl - pos);
        pos = nl + 1;
        if (!live)
            continue;
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object() || !j.contains("batch") || !j["batch"].is_number_integer())
            continue;
        if (j.value("name", std::string()) == "final")
            continue;
        std::lock_guard lock(m_mutex);
        m_steps.addCheckpoint(j["batch"].get<std::int64_t>(), seenAt);
    }
    m_checkpointsOffset = pos;
}

bool RunDirWatcher::pollTraces(std::size_t budget, PollStatus& status)
{
    TraceLineCollector& sink = *m_traceSink;
    sink.live = phase() != Phase::Indexing; // m_steps is written only on this thread: no lock to read it
    const FileTailer::PollResult r = m_traces->poll(sink, budget);
    if (!r.error.empty())
        error(r.error);

    if (!sink.resets.empty()) {
        {
            std::lock_guard lock(m_mutex);
            m_index.clear();
            m_index.shrink_to_fit();
            const auto resets = m_stats.resets + sink.resets.size();
            const auto metricsLines = m_stats.metricsLines, metricsRecords = m_stats.metricsRecords;
            auto metricsSkipped = m_stats.metricsSkipped;
            const auto errors = m_stats.storeErrors;
            m_stats = RunWatchStats{};
            m_stats.resets = resets;
            m_stats.metricsLines = metricsLines;
            m_stats.metricsRecords = metricsRecords;
            m_stats.metricsSkipped = std::move(metricsSkipped);
            m_stats.storeErrors = errors;
            m_phase = Phase::Indexing;
            m_sweepPos = 0;
        }
        if (m_cb.onReset)
            for (TailReset why : sink.resets)
                m_cb.onReset(m_name, RunFile::Traces, why);
        sink.resets.clear();
        // Lines after the reset were parsed as live ones; the new file is indexed from scratch.
        if (sink.live) {
            for (auto& rec : sink.records)
                if (rec.stepSource != StepSource::Line) {
                    rec.step = -1;
                    rec.stepSource = StepSource::None;
                }
            sink.results.clear();
            sink.resultRows.clear();
        }
    }

    const bool any = r.bytesRead > 0 || !sink.records.empty() || sink.blank > 0;
    if (any) {
        status.progressed = true;
        TraceBatch batch;
        batch.run = m_name;
        {
            std::lock_guard lock(m_mutex);
            batch.firstIndex = m_index.size();
            m_index.insert(m_index.end(), sink.records.begin(), sink.records.end());
            m_stats.traceLines += sink.records.size();
            for (const auto& rec : sink.records)
                if (rec.valid())
                    ++m_stats.records;
            m_stats.blankLines += sink.blank;
            m_stats.bytesRead += r.bytesRead;
            for (const auto& [reason, n] : sink.notes)
                m_stats.skipped[reason] += n;
            if (!sink.records.empty())
                m_stats.lastLineAt = nowUnixSeconds();
            m_stats.pendingBytes = m_traces->pendingBytes();
        }
        for (auto& row : sink.resultRows)
            row += batch.firstIndex;
        batch.records = std::move(sink.records);
        std::vector<EvalResult> results = std::move(sink.results);
        std::vector<std::size_t> rows = std::move(sink.resultRows);
        sink.clear();
        // Rows first (a table does not wait for SQLite); results only once stored, so that
        // whatever a consumer printed is already in the store.
        if (m_cb.onTraces && !batch.records.empty())
            m_cb.onTraces(batch);
        if (!results.empty())
            deliverResults(std::move(results), std::move(rows));
    } else {
        std::lock_guard lock(m_mutex);
        m_stats.pendingBytes = m_traces->pendingBytes();
    }
    if (r.more)
        status.more = true;
    return r.more;
}

void RunDirWatcher::deliverResults(std::vector<EvalResult>&& results, std::vector<std::size_t>&& indices)
{
    auto finish = [this](std::vector<EvalResult>&& done, std::vector<std::size_t>&& rows, std::size_t added,
                         const std::string& err) {
        {
            std::lock_guard lock(m_mutex);
            m_stats.resultsBuilt += done.size();
            m_stats.resultsNew += added;
            if (!err.empty())
                m_stats.storeErrors += done.size();
        }
        if (!err.empty())
            error("could not store results: " + err);
        if (m_cb.onResults) {
            ResultBatch batch;
            batch.run = m_name;
            batch.newInStore = added;
            batch.results = std::move(done);
            batch.indices = std::move(rows);
            m_cb.onResults(batch);
        }
    };
    if (m_opts.writer) {
        m_opts.writer->submit(std::move(results), [finish, rows = std::move(indices)](
                                                      std::vector<EvalResult>&& done, std::size_t added,
                                                      const std::string& err) mutable {
            finish(std::move(done), std::move(rows), added, err);
        });
        return;
    }
    std::size_t added = 0;
    std::string err;
    if (m_opts.store) {
        try {
            added = m_opts.store->addMany(results);
        } catch (const std::exception& e) {
            err = e.what();
        }
    }
    finish(std::move(results), std::move(indices), added, err);
}

void RunDirWatcher::finishIndexing()
{
    const double metricsMtime = mtimeOf(metricsPath());
    std::size_t n = 0;
    {
        std::lock_guard lock(m_mutex);
        m_steps.setProcesses(readTensorboardProcesses(m_dir + "/tensorboard"));
        std::vector<double> times;
        times.reserve(m_index.size());
        for (const auto& rec : m_index)
            times.push_back(rec.timestamp);
        m_steps.resolve(std::move(times), metricsMtime);
        for (auto& rec : m_index) {
            if (rec.stepSource == StepSource::Line || !rec.valid())
                continue;
            auto [step, source] = m_steps.stepFor(rec.timestamp);
            rec.step = step;
            rec.stepSource = source;
        }
        n = m_index.size();
        m_phase = m_opts.buildResults ? Phase::Sweeping : Phase::Live;
        m_sweepPos = 0;
        m_sweepEnd = n;
    }
    if (m_cb.onStepsChanged && n > 0)
        m_cb.onStepsChanged(m_name, 0, n);
    if (m_cb.onIndexed)
        m_cb.onIndexed(m_name);
    if (!m_opts.buildResults && m_cb.onCaughtUp)
        m_cb.onCaughtUp(m_name);
}

bool RunDirWatcher::sweep(std::size_t budget, PollStatus& status)
{
    // Which rows still need a result: all valid ones when someone listens, else those the store lacks.
    const bool everyRow = static_cast<bool>(m_cb.onResults);
    HistoryStore* const lookups = storeForLookups();
    if (m_opts.writer && m_opts.writer->pending() >= m_opts.maxPendingResults)
        return true; // the store is behind: wait (no busy loop: the caller sleeps its interval)
    std::vector<std::pair<std::size_t, TraceRecord>> todo;
    std::size_t bytes = 0;
    std::size_t pos, total;
    {
        std::lock_guard lock(m_mutex);
        pos = m_sweepPos;
        total = std::min(m_sweepEnd, m_index.size());
    }
    while (pos < total && bytes < budget) {
        TraceRecord rec;
        {
            std::lock_guard lock(m_mutex);
            rec = m_index[pos];
        }
        ++pos;
        if (!rec.valid())
            continue;
        if (!everyRow && lookups && lookups->contains(traceResultId(m_name, rec.idHash)))
            continue;
        if (!everyRow && !lookups)
            continue;
        bytes += rec.length;
        todo.emplace_back(pos - 1, rec);
    }

    std::vector<EvalResult> results;
    std::vector<std::size_t> rows;
    const int fd = todo.empty() ? -1 : ::open(tracesPath().c_str(), O_RDONLY | O_CLOEXEC);
    if (!todo.empty() && fd < 0)
        error(tracesPath() + ": cannot reopen to read results");
    std::string buf;
    for (std::size_t i = 0; fd >= 0 && i < todo.size();) {
        // One read for a run of rows that lie close together.
        std::size_t j = i + 1;
        const std::uint64_t start = todo[i].second.offset;
        std::uint64_t end = start + todo[i].second.length;
        while (j < todo.size() && todo[j].second.offset >= end &&
               todo[j].second.offset + todo[j].second.length - start <= m_opts.sweepChunkBytes) {
            end = todo[j].second.offset + todo[j].second.length;
            ++j;
        }
        buf.resize(static_cast<std::size_t>(end - start));
        std::size_t got = 0;
        while (got < buf.size()) {
            const ssize_t n =
                ::pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(start + got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        for (std::size_t k = i; k < j; ++k) {
            const TraceRecord& rec = todo[k].second;
            const std::uint64_t rel = rec.offset - start;
            if (rel + rec.length > got)
                continue; // the file shrank: the tailer reports it on the next poll
            TraceRecord again;
            again.offset = rec.offset;
            again.lineNo = rec.lineNo;
            TraceLineSpans spans;
            parseTraceLine(std::string_view(buf.data() + rel, rec.length), again, &spans);
            if (again.idHash != rec.idHash || !again.valid())
                continue; // rewritten in place: the tailer notices
            results.push_back(buildTraceResult(rec, spans, m_ctx));
            rows.push_back(todo[k].first);
        }
        i = j;
    }
    if (fd >= 0)
        ::close(fd);

    if (!results.empty()) {
        status.progressed = true;
        deliverResults(std::move(results), std::move(rows));
    }
    bool done = false;
    {
        std::lock_guard lock(m_mutex);
        m_sweepPos = pos;
        done = pos >= std::min(m_sweepEnd, m_index.size());
        if (done && m_phase == Phase::Sweeping)
            m_phase = Phase::Live;
    }
    if (done && m_cb.onCaughtUp)
        m_cb.onCaughtUp(m_name);
    if (!done)
        status.more = true;
    return !done;
}

PollStatus RunDirWatcher::poll(std::size_t byteBudget)
{
    PollStatus status;
    if (!m_configRead)
        readConfig();
    switch (phase()) {
    case Phase::Indexing: {
        pollCheckpoints(false);
        const bool metricsMore = pollMetrics(byteBudget, status);
        const bool tracesMore = pollTraces(byteBudget, status);
        if (!metricsMore && !tracesMore && phase() == Phase::Indexing) {
            finishIndexing();
            status.progressed = true;
            status.more = phase() != Phase::Live;
        }
        break;
    }
    case Phase::Sweeping: {
        // Old rows' results in bounded chunks, while new lines are followed already.
        sweep(byteBudget, status); // sets `more` unless done, or waiting for the store writer
        pollCheckpoints(true);
        pollMetrics(byteBudget, status);
        pollTraces(byteBudget, status);
        break;
    }
    case Phase::Live:
        pollCheckpoints(true);
        pollMetrics(byteBudget, status);
        pollTraces(byteBudget, status);
        break;
    }
    return status;
}

} // namespace kw
