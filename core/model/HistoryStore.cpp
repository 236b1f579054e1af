#include "core/model/HistoryStore.h"

#include "core/base/Paths.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <sqlite3.h>
#include <stdexcept>

namespace kw {

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS results (
  rowid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL,
  finished_at REAL,
  duration_s REAL,
  source TEXT, run TEXT, step INTEGER, turn INTEGER, problem TEXT,
  backend TEXT, target TEXT, gpu TEXT,
  status TEXT NOT NULL,
  speedup REAL, runtime_ms REAL, baseline_ms REAL, cost_usd REAL, reward REAL,
  cheated INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  result_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_created ON results(created_at);
CREATE INDEX IF NOT EXISTS results_status ON results(status);
CREATE INDEX IF NOT EXISTS results_problem ON results(problem);
CREATE INDEX IF NOT EXISTS results_source ON results(source);
CREATE INDEX IF NOT EXISTS results_run ON results(run);
)SQL";

// Columns added after the first schema (user_version 0), filled on add and, for rows stored
// before them, from result_json when the store is opened (migrate). Bound by bindDerived in
// this order.
struct AddedColumn
{
    const char* name;
    const char* type;
};
constexpr AddedColumn kAddedColumns[] = {
    {"speedup_ci_low", "REAL"},       {"speedup_ci_high", "REAL"},
    {"timing_verdict", "TEXT"},       {"compile_speedup", "REAL"},
    {"compile_ci_low", "REAL"},       {"compile_ci_high", "REAL"},
    {"sol_percent", "REAL"},          {"sol_bound", "TEXT"},
    {"arithmetic_intensity", "REAL"}, {"achieved_flops_per_s", "REAL"},
    {"sol_time_ms", "REAL"},          {"faster_than_light", "INTEGER NOT NULL DEFAULT 0"}};
constexpr int kAddedCount = int(std::size(kAddedColumns));
constexpr int kSchemaVersion = 1;

constexpr const char* kRowColumns =
    "rowid, id, created_at, duration_s, source, run, problem, backend, target, gpu, status, step, turn, "
    "speedup, runtime_ms, baseline_ms, cost_usd, reward, cheated, speedup_ci_low, speedup_ci_high, "
    "timing_verdict, compile_speedup, compile_ci_low, compile_ci_high, sol_percent, sol_bound, "
    "arithmetic_intensity, achieved_flops_per_s, sol_time_ms, faster_than_light, "
    // EvalResult::isCancelled in SQL: metadata.cancelled when present, else the message.
    "CASE WHEN status != 'infra_error' THEN 0 ELSE coalesce(json_extract(result_json, "
    "'$.metadata.cancelled'), "
    "error = 'cancelled' OR error LIKE 'cancelled:%') END, "
    // EvalResult::notRunReason in SQL: a setup refusal never ran the kernel.
    "CASE WHEN status != 'infra_error' OR json_extract(result_json, '$.metadata.error_kind') IS NOT 'setup' "
    "THEN '' WHEN json_type(result_json, '$.metadata.size_check') IS NOT NULL THEN 'too large' ELSE 'setup' "
    "END";

class Stmt
{
public:
    Stmt(sqlite3* db, const std::string& sql)
    {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("history store: ") + sqlite3_errmsg(db));
    }
    ~Stmt() { sqlite3_finalize(m_stmt); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    sqlite3_stmt* get() const { return m_stmt; }
    void bind(int i, const std::string& s)
    {
        sqlite3_bind_text(m_stmt, i, s.data(), int(s.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, double v) { sqlite3_bind_double(m_stmt, i, v); }
    void bind(int i, long long v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bindOpt(int i, const std::optional<SpeedupInterval>& ci, bool high)
    {
        bindOpt(i, ci ? std::optional<double>(high ? ci->high : ci->low) : std::nullopt);
    }
    void bindOpt(int i, const std::optional<double>& v)
    {
        if (v && std::isfinite(*v))
            sqlite3_bind_double(m_stmt, i, *v);
        else
            sqlite3_bind_null(m_stmt, i);
    }
    bool step()
    {
        int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        throw std::runtime_error(std::string("history store: ") + sqlite3_errmsg(sqlite3_db_handle(m_stmt)));
    }
    void reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    std::string text(int c) const
    {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, c));
        return p ? std::string(p, std::size_t(sqlite3_column_bytes(m_stmt, c))) : std::string();
    }
    std::optional<double> optDouble(int c) const
    {
        if (sqlite3_column_type(m_stmt, c) == SQLITE_NULL)
            return std::nullopt;
        return sqlite3_column_double(m_stmt, c);
    }
    double dbl(int c) const { return sqlite3_column_double(m_stmt, c); }
    long long i64(int c) const { return sqlite3_column_int64(m_stmt, c); }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

void exec(sqlite3* db, const char* sql)
{
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw std::runtime_error("history store: " + msg);
    }
}

std::optional<double> rewardOf(const EvalResult& r)
{
    auto it = r.metadata.find("reward");
    if (it != r.metadata.end() && it->is_number()) {
        double v = it->get<double>();
        if (std::isfinite(v))
            return v;
    }
    return std::nullopt;
}

// The added columns' values (kAddedColumns order) from a result, bound from index `first`.
void bindDerived(Stmt& s, int first, const EvalResult& r)
{
    const auto eagerCi = speedupInterval(r, Baseline::Eager);
    const auto compileCi = speedupInterval(r, Baseline::Compile);
    const bool sol = r.sol && r.sol->available();
    auto solValue = [&](double v) { return sol ? std::optional<double>(v) : std::nullopt; };
    int i = first;
    s.bindOpt(i++, eagerCi, false);
    s.bindOpt(i++, eagerCi, true);
    s.bind(i++, r.timingQuality ? r.timingQuality->verdict : std::string());
    s.bindOpt(i++, speedupAgainst(r, Baseline::Compile));
    s.bindOpt(i++, compileCi, false);
    s.bindOpt(i++, compileCi, true);
    s.bindOpt(i++, solValue(r.sol ? r.sol->percent : 0));
    s.bind(i++, sol ? r.sol->bound : std::string());
    s.bindOpt(i++, solValue(r.sol ? r.sol->arithmeticIntensity : 0));
    s.bindOpt(i++, solValue(r.sol ? r.sol->achievedFlopsPerS : 0));
    s.bindOpt(i++, solValue(r.sol ? r.sol->timeMs : 0));
    s.bind(i++, static_cast<long long>(r.hasFlag(kFasterThanLightFlag) ? 1 : 0));
}

int userVersion(sqlite3* db)
{
    Stmt s(db, "PRAGMA user_version");
    return s.step() ? int(s.i64(0)) : 0;
}

// Brings a store of an older schema to kSchemaVersion in one transaction: adds the columns it
// lacks and fills them for every stored row from its result_json. Several processes may open
// the store at once; BEGIN IMMEDIATE lets one migrate and the others see the new version.
void migrate(sqlite3* db)
{
    if (userVersion(db) >= kSchemaVersion)
        return;
    exec(db, "BEGIN IMMEDIATE");
    try {
        if (userVersion(db) < kSchemaVersion) {
            std::vector<std::string> have;
            {
                Stmt info(db, "PRAGMA table_info(results)");
                while (info.step())
                    have.push_back(info.text(1));
            }
            std::string sets;
            for (int c = 0; c < kAddedCount; ++c) {
                const AddedColumn& col = kAddedColumns[c];
                if (std::find(have.begin(), have.end(), col.name) == have.end())
                    exec(
                        db,
                        (std::string("ALTER TABLE results ADD COLUMN ") + col.name + " " + col.type).c_str());
                sets += (c ? ", " : "") + std::string(col.name) + " = ?" + std::to_string(c + 1);
            }
            Stmt read(db, "SELECT rowid, result_json FROM results");
            Stmt update(db,
                        "UPDATE results SET " + sets + " WHERE rowid = ?" + std::to_string(kAddedCount + 1));
            while (read.step()) {
                update.reset();
                bindDerived(update, 1, resultFromJson(nlohmann::json::parse(read.text(1), nullptr, false)));
                update.bind(kAddedCount + 1, static_cast<long long>(read.i64(0)));
                update.step();
            }
            exec(db, ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
        }
        exec(db, "COMMIT");
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

// WHERE clause and its bound values for a query.
struct Where
{
    std::string sql;
    std::vector<std::string> texts;
    std::vector<double> numbers;
    std::vector<char> kinds; // 't' or 'n', in bind order
};

Where buildWhere(const HistoryQuery& q)
{
    Where w;
    std::vector<std::string> parts;
    auto addText = [&](std::string clause, std::string v) {
        parts.push_back(std::move(clause));
        w.texts.push_back(std::move(v));
        w.kinds.push_back('t');
    };
    auto addNum = [&](std::string clause, double v) {
        parts.push_back(std::move(clause));
        w.numbers.push_back(v);
        w.kinds.push_back('n');
    };
    if (q.since)
        addNum("created_at >= ?", *q.since);
    if (q.until)
        addNum("created_at < ?", *q.until);
    if (q.afterRowId > 0)
        addNum("rowid > ?", double(q.afterRowId));
    if (!q.problem.empty())
        addText("problem = ?", q.problem);
    if (!q.source.empty())
        addText("source = ?", q.source);
    if (!q.run.empty())
        addText("run = ?", q.run);
    if (!q.statuses.empty()) {
        std::string in = "status IN (";
        for (std::size_t i = 0; i < q.statuses.size(); ++i) {
            in += i ? ",?" : "?";
            w.texts.push_back(q.statuses[i]);
            w.kinds.push_back('t');
        }
        parts.push_back(in + ")");
    }
    if (!q.text.empty()) {
        parts.push_back(
            "(instr(id, ?) > 0 OR instr(problem, ?) > 0 OR instr(run, ?) > 0 OR instr(error, ?) > 0)");
        for (int i = 0; i < 4; ++i) {
            w.texts.push_back(q.text);
            w.kinds.push_back('t');
        }
    }
    for (std::size_t i = 0; i < parts.size(); ++i)
        w.sql += (i ? " AND " : " WHERE ") + parts[i];
    w.sql += q.newestFirst ? " ORDER BY rowid DESC" : " ORDER BY rowid ASC";
    if (q.limit > 0)
        w.sql += " LIMIT " + std::to_string(q.limit);
    return w;
}

void bindWhere(Stmt& s, const Where& w)
{
    std::size_t ti = 0, ni = 0;
    for (std::size_t i = 0; i < w.kinds.size(); ++i) {
        if (w.kinds[i] == 't')
            s.bind(int(i + 1), w.texts[ti++]);
        else
            s.bind(int(i + 1), w.numbers[ni++]);
    }
}

} // namespace

std::string HistoryStore::defaultPath()
{
    return paths::dataDir() + "/history.sqlite";
}

HistoryStore::HistoryStore(std::string path) : m_path(std::move(path))
{
    namespace fs = std::filesystem;
    const fs::path parent = fs::path(m_path).parent_path();
    if (!parent.empty() && !paths::makeDirs(parent.string()))
        throw std::runtime_error("cannot create the folder " + parent.string() +
                                 " for the history store: check its permissions or pass --db PATH");
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(m_path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
        std::string msg = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        m_db = nullptr;
        throw std::runtime_error("cannot open the history store " + m_path + ": " + msg +
                                 " (check the path and its permissions, or pass --db PATH)");
    }
    sqlite3_busy_timeout(m_db, 10000);
    try {
        exec(m_db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        exec(m_db, kSchema);
        migrate(m_db);
    } catch (const std::runtime_error& e) {
        sqlite3_close(m_db);
        m_db = nullptr;
        throw std::runtime_error("the history store " + m_path + " is not usable: " + e.what() +
                                 " (if the file is not a kernelwatch store, move it away)");
    }
}

HistoryStore::~HistoryStore()
{
    sqlite3_close(m_db);
}

namespace {

constexpr const char* kInsert =
    "INSERT OR IGNORE INTO results (id, created_at, finished_at, duration_s, source, run, step, turn, "
    "problem, "
    "backend, target, gpu, status, speedup, runtime_ms, baseline_ms, cost_usd, reward, cheated, error, "
    "result_json, speedup_ci_low, speedup_ci_high, timing_verdict, compile_speedup, compile_ci_low, "
    "compile_ci_high, sol_percent, sol_bound, arithmetic_intensity, achieved_flops_per_s, sol_time_ms, "
    "faster_than_light) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

// A run's record read again with a better step or verdict (a step estimated live and later read
// from TensorBoard, a status fixed by a newer kernelwatch): the stored row follows. Only rows
// observed from a run directory change; submitted evaluations are never rewritten.
constexpr const char* kCorrectObserved =
    "UPDATE results SET step = ?1, status = ?2, result_json = ?3 WHERE id = ?4 AND source = 'run' "
    "AND (step IS NOT ?1 OR status IS NOT ?2)";

bool correctObserved(Stmt& u, const EvalResult& r)
{
    if (r.request.source != "run")
        return false;
    u.reset();
    u.bind(1, static_cast<long long>(r.request.step));
    u.bind(2, std::string(statusName(r.status)));
    u.bind(3, toJson(r, true).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    u.bind(4, r.id.empty() ? r.request.id : r.id);
    u.step();
    return sqlite3_changes(sqlite3_db_handle(u.get())) > 0;
}

WinVerdict rowWin(const HistoryRow& r)
{
    TimingQuality q;
    q.verdict = r.timingVerdict;
    std::optional<SpeedupInterval> ci;
    if (r.speedupCiLow && r.speedupCiHigh)
        ci = SpeedupInterval{*r.speedupCiLow, *r.speedupCiHigh};
    return significance(r.status, q.untrustworthy(), r.fasterThanLight, ci, 1.0);
}

bool insertOne(Stmt& s, const EvalResult& r)
{
    s.reset();
    const EvalRequest& q = r.request;
    s.bind(1, r.id.empty() ? q.id : r.id);
    s.bind(2, r.createdAt > 0 ? r.createdAt : nowUnixSeconds());
    s.bind(3, r.finishedAt);
    s.bind(4, r.timings.total);
    s.bind(5, q.source);
    s.bind(6, q.run);
    s.bind(7, static_cast<long long>(q.step));
    s.bind(8, static_cast<long long>(q.turn));
    s.bind(9, q.problem);
    s.bind(10, q.backend);
    s.bind(11, r.device.target.empty() ? q.target : r.device.target);
    s.bind(12, !r.device.name.empty() ? r.device.name : q.gpuType);
    s.bind(13, std::string(statusName(r.status)));
    s.bindOpt(14, r.speedup);
    s.bindOpt(15, r.runtimeMs);
    s.bindOpt(16, r.baselineRuntimeMs);
    s.bindOpt(17, r.costUsd);
    s.bindOpt(18, rewardOf(r));
    s.bind(19, static_cast<long long>(r.cheated ? 1 : 0));
    s.bind(20, r.errorMessage);
    s.bind(21, toJson(r, true).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    bindDerived(s, 22, r);
    s.step();
    return sqlite3_changes(sqlite3_db_handle(s.get())) > 0;
}

} // namespace

bool HistoryStore::add(const EvalResult& result)
{
    return addMany({result}) == 1;
}

std::size_t HistoryStore::addMany(const std::vector<EvalResult>& results)
{
    if (results.empty())
        return 0;
    std::lock_guard lock(m_mutex);
    exec(m_db, "BEGIN IMMEDIATE");
    std::size_t added = 0;
    try {
        Stmt s(m_db, kInsert);
        Stmt u(m_db, kCorrectObserved);
        for (const auto& r : results) {
            if (insertOne(s, r))
                ++added;
            else
                correctObserved(u, r);
        }
        exec(m_db, "COMMIT");
    } catch (...) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return added;
}

std::vector<HistoryRow> HistoryStore::rows(const HistoryQuery& query) const
{
    std::lock_guard lock(m_mutex);
    Where w = buildWhere(query);
    Stmt s(m_db, std::string("SELECT ") + kRowColumns + " FROM results" + w.sql);
    bindWhere(s, w);
    std::vector<HistoryRow> out;
    while (s.step()) {
        HistoryRow r;
        r.rowId = s.i64(0);
        r.id = s.text(1);
        r.createdAt = s.dbl(2);
        r.durationS = s.dbl(3);
        r.source = s.text(4);
        r.run = s.text(5);
        r.problem = s.text(6);
        r.backend = s.text(7);
        r.target = s.text(8);
        r.gpu = s.text(9);
        r.status = parseEvalStatus(s.text(10)).value_or(EvalStatus::Unknown);
        r.step = int(s.i64(11));
        r.turn = int(s.i64(12));
        r.speedup = s.optDouble(13);
        r.runtimeMs = s.optDouble(14);
        r.baselineMs = s.optDouble(15);
        r.costUsd = s.optDouble(16);
        r.reward = s.optDouble(17);
        r.cheated = s.i64(18) != 0;
        r.speedupCiLow = s.optDouble(19);
        r.speedupCiHigh = s.optDouble(20);
        r.timingVerdict = s.text(21);
        r.compileSpeedup = s.optDouble(22);
        r.compileCiLow = s.optDouble(23);
        r.compileCiHigh = s.optDouble(24);
        r.solPercent = s.optDouble(25);
        r.solBound = s.text(26);
        r.arithmeticIntensity = s.optDouble(27);
        r.achievedFlopsPerS = s.optDouble(28);
        r.solTimeMs = s.optDouble(29);
        r.fasterThanLight = s.i64(30) != 0;
        r.win = rowWin(r);
        r.cancelled = s.i64(31) != 0;
        r.notRun = s.text(32);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<EvalResult> HistoryStore::results(const HistoryQuery& query) const
{
    std::lock_guard lock(m_mutex);
    Where w = buildWhere(query);
    Stmt s(m_db, "SELECT result_json FROM results" + w.sql);
    bindWhere(s, w);
    std::vector<EvalResult> out;
    while (s.step())
        out.push_back(resultFromJson(nlohmann::json::parse(s.text(0), nullptr, false)));
    return out;
}

std::optional<EvalResult> HistoryStore::find(const std::string& id) const
{
    std::lock_guard lock(m_mutex);
    Stmt s(m_db, "SELECT result_json FROM results WHERE id = ?");
    s.bind(1, id);
    if (!s.step())
        return std::nullopt;
    return resultFromJson(nlohmann::json::parse(s.text(0), nullptr, false));
}

std::optional<EvalResult> HistoryStore::findByRowId(std::int64_t rowId) const
{
    std::lock_guard lock(m_mutex);
    Stmt s(m_db, "SELECT result_json FROM results WHERE rowid = ?");
    s.bind(1, static_cast<long long>(rowId));
    if (!s.step())
        return std::nullopt;
    return resultFromJson(nlohmann::json::parse(s.text(0), nullptr, false));
}

bool HistoryStore::contains(const std::string& id) const
{
    std::lock_guard lock(m_mutex);
    Stmt s(m_db, "SELECT 1 FROM results WHERE id = ?");
    s.bind(1, id);
    return s.step();
}

std::int64_t HistoryStore::maxRowId() const
{
    std::lock_guard lock(m_mutex);
    Stmt s(m_db, "SELECT COALESCE(MAX(rowid), 0) FROM results");
    s.step();
    return s.i64(0);
}

std::size_t HistoryStore::count() const
{
    std::lock_guard lock(m_mutex);
    Stmt s(m_db, "SELECT COUNT(*) FROM results");
    s.step();
    return std::size_t(s.i64(0));
}

} // namespace kw
