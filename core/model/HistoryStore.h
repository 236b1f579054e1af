#pragma once

#include "core/model/EvalResult.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace kw {

struct HistoryQuery
{
    std::optional<double> since;       // unix seconds, inclusive (created_at)
    std::optional<double> until;       // exclusive
    std::vector<std::string> statuses; // any of; empty = all
    std::string problem;               // exact match; empty = all
    std::string source;                // exact match; empty = all
    std::string run;                   // exact match; empty = all
    std::string text;                  // substring of id/problem/run/error; empty = all
    std::int64_t afterRowId = 0;       // only rows with rowid > this (polling for new rows)
    std::size_t limit = 0;             // 0 = no limit
    bool newestFirst = true;
};

// The light form of a stored result, for tables and charts: no code, no log, no metadata.
struct HistoryRow
{
    std::int64_t rowId = 0;
    std::string id;
    double createdAt = 0;
    double durationS = 0;
    std::string source, run, problem, backend, target, gpu;
    EvalStatus status = EvalStatus::Unknown;
    int step = -1, turn = -1;
    std::optional<double> speedup, runtimeMs, baselineMs, costUsd, reward;
    bool cheated = false;
    // Filled from their own columns (stores from before them are migrated from result_json).
    std::optional<double> speedupCiLow, speedupCiHigh; // eager speedup's 95 % interval
    std::string timingVerdict;                         // "reliable" | "noisy" | "unreliable" | ""
    std::optional<double> compileSpeedup, compileCiLow, compileCiHigh; // against torch.compile
    std::optional<double> solPercent, arithmeticIntensity, achievedFlopsPerS, solTimeMs;
    std::string solBound;                 // "memory" | "compute" | "" (no speed-of-light estimate)
    bool fasterThanLight = false;         // flagged faster_than_light
    WinVerdict win = WinVerdict::Unknown; // significantWin of the row (never for noise or FTL)
    bool cancelled = false;               // EvalResult::isCancelled
    std::string notRun;                   // EvalResult::notRunReason: "too large" | "setup" | ""

    bool countsInScores() const { return !cancelled && notRun.empty(); } // EvalResult::countsInScores
};

// Every result kernelwatch sees, in SQLite (WAL mode, safe for several processes: the GUI
// reads what kernelwatch-cli writes). add() commits before it returns, so a result that was
// reported is never lost. Thread-safe.
class HistoryStore
{
public:
    // $XDG_DATA_HOME/kernelwatch/history.sqlite (default ~/.local/share/kernelwatch/...).
    static std::string defaultPath();

    // Opens or creates the store; creates parent directories. Throws std::runtime_error with a
    // message that names the file and says what to do.
    explicit HistoryStore(std::string path);
    ~HistoryStore();
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    // Returns false when a result with the same id is already stored (it is kept as it was).
    bool add(const EvalResult& result);
    // One transaction; returns how many were new.
    std::size_t addMany(const std::vector<EvalResult>& results);

    std::vector<HistoryRow> rows(const HistoryQuery& query) const;
    std::vector<EvalResult> results(const HistoryQuery& query) const;
    std::optional<EvalResult> find(const std::string& id) const;
    std::optional<EvalResult> findByRowId(std::int64_t rowId) const;
    bool contains(const std::string& id) const;
    std::int64_t maxRowId() const;
    std::size_t count() const;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    sqlite3* m_db = nullptr;
    mutable std::mutex m_mutex;
};

} // namespace kw
