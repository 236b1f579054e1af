#pragma once

// Run directories of kernel_rl's corpus for the watcher tests (tst_runwatch_dir,
// tst_runwatch_loop): copies, truth comparisons, live appends, the watcher's events. Header-only.
#include "core/watch/RunDirWatcher.h"
#include "tests/KernelRlRuns.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kwtest {

using namespace kw;
using kwcorpus::Record;

// Copies a corpus run to tmp/`as`: TensorBoard files or not, the recorded mtimes or the copy's.
inline std::string copyRun(const QTemporaryDir& tmp, const std::string& run, const std::string& as,
                           bool tensorboard, bool stamp = true)
{
    const std::string dst = tmp.filePath(QString::fromStdString(as)).toStdString();
    kwcorpus::copyRun(run, dst, tensorboard, stamp);
    return dst;
}

inline std::string configGpu(const std::string& run)
{
    const auto j = nlohmann::json::parse(kwcorpus::slurp(kwcorpus::runDir(run) + "/config.json"));
    return j["dataset_builder"]["modal_gpu_type"].get<std::string>();
}

// Rows (file order, one per line) against the truth: a line holding only a crash's fragment is a
// truncated row (or, the file's unfinished last line, no row: a watcher waits for its end); any
// other row is the line's (last) record, with its offset, status and, unless `steps` is false, its
// step. "" when all agree.
inline std::string truthMismatches(const std::vector<TraceRecord>& rows, const std::vector<Record>& truth,
                                   bool steps = true)
{
    std::vector<const Record*> byLine; // the last record starting on each line
    for (const Record& r : truth) {
        byLine.resize(std::max<std::size_t>(byLine.size(), std::size_t(r.lineNo)));
        byLine[std::size_t(r.lineNo) - 1] = &r;
    }
    if (!byLine.empty() && byLine.back()->cut)
        byLine.pop_back(); // pending
    if (rows.size() != byLine.size())
        return std::to_string(rows.size()) + " rows, truth has " + std::to_string(byLine.size()) + " lines";
    std::string bad;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Record& t = *byLine[i];
        const std::string status(statusName(rows[i].status));
        const bool ok =
            t.cut ? rows[i].issue == TraceIssue::Truncated
                  : rows[i].offset == t.offset && (!steps || rows[i].step == t.step) && status == t.status;
        if (!ok)
            bad += "line " + std::to_string(t.lineNo) + ": step " + std::to_string(rows[i].step) + " " +
                   status + " @" + std::to_string(rows[i].offset) + ", truth step " + std::to_string(t.step) +
                   " " + t.status + (t.cut ? " (cut)" : "") + " @" + std::to_string(t.offset) + "\n";
    }
    return bad;
}

// Rows a watcher shows: one per line, the unfinished last line (a crash's fragment) not yet.
inline std::size_t lineCount(const std::vector<Record>& truth)
{
    return truth.empty() ? 0 : std::size_t(truth.back().lineNo) - (truth.back().cut ? 1 : 0);
}

// The bytes of the file's unfinished last line.
inline std::uint64_t pendingBytes(const std::vector<Record>& truth)
{
    return !truth.empty() && truth.back().cut ? truth.back().length : 0;
}

inline std::vector<std::string> lines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> out;
    std::string l;
    while (std::getline(in, l))
        out.push_back(l);
    return out;
}

// A fixture line with another timestamp (and so another identity).
inline std::string withTimestamp(std::string line, double ts)
{
    const std::string key = "\"timestamp\": ";
    auto at = line.rfind(key);
    auto end = line.find_first_of(",}", at + key.size());
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", ts);
    return line.replace(at + key.size(), end - at - key.size(), buf);
}

inline void append(const std::string& path, const std::string& data)
{
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << data;
}

struct Events
{
    std::vector<TraceRecord> rows;
    std::vector<EvalResult> results;
    std::vector<MetricsRecord> metrics;
    std::vector<std::pair<RunFile, TailReset>> resets;
    int indexed = 0, caughtUp = 0, stepsChanged = 0, traceBatches = 0;
    std::vector<std::string> errors;

    RunDirWatcher::Callbacks callbacks()
    {
        RunDirWatcher::Callbacks cb;
        cb.onTraces = [this](const TraceBatch& b) {
            QCOMPARE(b.firstIndex, rows.size());
            rows.insert(rows.end(), b.records.begin(), b.records.end());
            ++traceBatches;
        };
        cb.onResults = [this](const ResultBatch& b) {
            results.insert(results.end(), b.results.begin(), b.results.end());
        };
        cb.onMetrics = [this](const MetricsBatch& b) {
            metrics.insert(metrics.end(), b.records.begin(), b.records.end());
        };
        cb.onReset = [this](const std::string&, RunFile f, TailReset why) {
            resets.emplace_back(f, why);
            if (f == RunFile::Traces)
                rows.clear();
        };
        cb.onStepsChanged = [this](const std::string&, std::size_t, std::size_t) { ++stepsChanged; };
        cb.onIndexed = [this](const std::string&) { ++indexed; };
        cb.onCaughtUp = [this](const std::string&) { ++caughtUp; };
        cb.onError = [this](const std::string&, const std::string& m) { errors.push_back(m); };
        return cb;
    }
};

inline void pollUntilCaughtUp(RunDirWatcher& w, std::size_t budget = 1 << 20)
{
    for (int i = 0; i < 10000; ++i) {
        PollStatus s = w.poll(budget);
        if (w.caughtUp() && !s.more)
            return;
    }
    QFAIL("never caught up");
}

} // namespace kwtest
