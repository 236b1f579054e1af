#include "ui/models/HistoryModel.h"

#include "ui/base/Format.h"
#include "ui/base/StatusStyle.h"
#include "ui/base/UiThread.h"

#include <QBrush>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
float toFloat(const std::optional<double>& v)
{
    return v && std::isfinite(*v) ? static_cast<float>(*v) : CompactRow::kNone;
}
std::optional<double> opt(float v)
{
    if (std::isnan(v))
        return std::nullopt;
    return static_cast<double>(v);
}
} // namespace

HistoryModel::HistoryModel(QObject* parent) : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(40);
    connect(&m_flushTimer, &QTimer::timeout, this, &HistoryModel::flush);
}

HistoryModel::~HistoryModel() = default;

int HistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HistoryModel::columnTitle(int column)
{
    switch (column) {
    case Time:
        return tr("Time");
    case Source:
        return tr("Source");
    case Problem:
        return tr("Problem");
    case Backend:
        return tr("Backend");
    case Target:
        return tr("Target");
    case Gpu:
        return tr("GPU");
    case Status:
        return tr("Status");
    case Speedup:
        return tr("Speedup");
    case CompileSpeedup:
        return tr("vs compile");
    case SolPercent:
        return tr("% SOL");
    case Runtime:
        return tr("Runtime");
    case Baseline:
        return tr("Baseline");
    case Duration:
        return tr("Duration");
    case Cost:
        return tr("Cost");
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return columnTitle(section);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Speedup:
            return tr("Baseline runtime divided by kernel runtime (higher is better)");
        case CompileSpeedup:
            return tr("Speedup against the reference under torch.compile (measured when the submission asked "
                      "for the compile baseline)");
        case SolPercent:
            return tr("Percent of speed of light: the least time the problem's bytes and FLOPs can take on "
                      "the device, divided by the kernel's runtime (100 % = at the roof)");
        case Runtime:
            return tr("Mean kernel runtime");
        case Baseline:
            return tr("Mean runtime of the PyTorch reference, measured the same way");
        case Duration:
            return tr("Wall time of the whole evaluation");
        case Cost:
            return tr("Modal cost estimate (GPU-seconds × list price)");
        default:
            return {};
        }
    }
    return {};
}

QString HistoryModel::text(int row, Field f) const
{
    const CompactRow& r = m_rows[static_cast<std::size_t>(row)];
    switch (f) {
    case FSource:
        return m_pools[f].at(r.source);
    case FProblem:
        return m_pools[f].at(r.problem);
    case FBackend:
        return m_pools[f].at(r.backend);
    case FTarget:
        return m_pools[f].at(r.target);
    case FGpu:
        return m_pools[f].at(r.gpu);
    case FRun:
        return m_pools[f].at(r.run);
    default:
        return {};
    }
}

QVariant HistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const CompactRow& r = m_rows[static_cast<std::size_t>(row)];
    const auto status = static_cast<EvalStatus>(r.status);
    const int col = index.column();

    switch (role) {
    case Qt::DisplayRole:
        switch (col) {
        case Time:
            return Format::dateTime(r.createdAt);
        case Source:
            return text(row, FSource);
        case Problem:
            return text(row, FProblem);
        case Backend:
            return text(row, FBackend);
        case Target:
            return text(row, FTarget);
        case Gpu:
            return text(row, FGpu);
        case Status:
            if (r.cancelled)
                return tr("cancelled");
            if (r.notRun)
                return r.notRun == 2 ? tr("not run: too large") : tr("not run: setup");
            return StatusStyle::label(status);
        case Speedup:
            return Format::speedup(opt(r.speedup));
        case CompileSpeedup:
            return Format::speedup(opt(r.compileSpeedup));
        case SolPercent:
            return Format::percent(opt(r.solPercent));
        case Runtime:
            return Format::milliseconds(opt(r.runtimeMs));
        case Baseline:
            return Format::milliseconds(opt(r.baselineMs));
        case Duration:
            return std::isnan(r.durationS) ? Format::dash() : Format::seconds(r.durationS);
        case Cost:
            return Format::cost(opt(r.costUsd));
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (col == Status)
            return StatusStyle::dot(r.cancelled || r.notRun ? EvalStatus::Unknown : status); // grey
        return {};
    case Qt::ForegroundRole:
        // Green only for a significant win (issue 13): noise, an interval that reaches 1× and a
        // time below the speed of light are never coloured as one.
        if (col == Speedup && !std::isnan(r.speedup) && static_cast<WinVerdict>(r.win) == WinVerdict::Win)
            return QBrush(StatusStyle::color(EvalStatus::Correct));
        if (col == CompileSpeedup && !std::isnan(r.compileSpeedup) &&
            r.verdict(Baseline::Compile, 0) == WinVerdict::Win)
            return QBrush(StatusStyle::color(EvalStatus::Correct));
        if (col == Status && status == EvalStatus::Rejected)
            return QBrush(StatusStyle::color(EvalStatus::Rejected));
        return {};
    case Qt::TextAlignmentRole:
        if (col >= Speedup)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (col == Status && r.cancelled)
            return tr(
                "Cancelled: stopped because someone asked, not a failure of the kernel or the machine.");
        if (col == Status && r.notRun == 2)
            return tr("Not run: the problem does not fit the memory an evaluation may use here. The kernel "
                      "never ran; the result's message says which batch size fits or how to raise the cap.");
        if (col == Status && r.notRun)
            return tr("Not run: a setup problem here (interpreter, packages, device), not the kernel's "
                      "failure. The result's message says what to fix.");
        if (col == Status)
            return QString(StatusStyle::explanation(status) +
                           (r.cheated ? tr(" Flagged as cheating.") : QString()));
        if (col == SolPercent && !std::isnan(r.solPercent))
            return r.solBound == 2 ? tr("compute-bound: %1 FLOP/byte").arg(double(r.intensity), 0, 'g', 3)
                                   : tr("memory-bound: %1 FLOP/byte").arg(double(r.intensity), 0, 'g', 3);
        if (col == Speedup && !std::isnan(r.speedup) && status == EvalStatus::Correct)
            switch (static_cast<WinVerdict>(r.win)) {
            case WinVerdict::Win:
                return tr("A significant speedup: the whole 95 % interval is above 1×.");
            case WinVerdict::NotAWin:
                return tr("Not a significant speedup: the timing was noisy or unreliable, the 95 % interval "
                          "reaches 1×, or the time is below the speed of light.");
            case WinVerdict::Unknown:
                return tr("No confidence interval (an older result): whether this speedup is significant "
                          "is unknown.");
            }
        if (col == Problem && r.run != 0)
            return tr("%1 — run %2, step %3, turn %4")
                .arg(text(row, FProblem), text(row, FRun))
                .arg(r.step)
                .arg(r.turn);
        return {};
    case RowIdRole:
        return QVariant::fromValue<qint64>(r.rowId);
    case StatusRole:
        return static_cast<int>(r.status);
    case CreatedAtRole:
        return r.createdAt;
    case SpeedupRole:
        return std::isnan(r.speedup) ? QVariant() : QVariant(static_cast<double>(r.speedup));
    case ProblemRole:
        return text(row, FProblem);
    case SolPercentRole:
        return std::isnan(r.solPercent) ? QVariant() : QVariant(static_cast<double>(r.solPercent));
    case WinRole:
        return static_cast<int>(r.win);
    case SortRole:
        switch (col) {
        case Time:
            return r.createdAt;
        case Status:
            return static_cast<int>(r.status);
        case Speedup:
            return static_cast<double>(r.speedup);
        case CompileSpeedup:
            return static_cast<double>(r.compileSpeedup);
        case SolPercent:
            return static_cast<double>(r.solPercent);
        case Runtime:
            return static_cast<double>(r.runtimeMs);
        case Baseline:
            return static_cast<double>(r.baselineMs);
        case Duration:
            return static_cast<double>(r.durationS);
        case Cost:
            return static_cast<double>(r.costUsd);
        default:
            return data(index, Qt::DisplayRole);
        }
    default:
        return {};
    }
}

std::uint16_t HistoryModel::intern16(Field f, const std::string& s)
{
    const std::uint32_t i = m_pools[f].intern(s);
    if (i <= 0xfffe)
        return static_cast<std::uint16_t>(i);
    return static_cast<std::uint16_t>(m_pools[f].intern(std::string_view("(too many distinct values)")) &
                                      0xffff);
}

CompactRow HistoryModel::compact(const HistoryRow& h)
{
    CompactRow r;
    r.rowId = h.rowId;
    r.createdAt = h.createdAt;
    r.durationS = h.durationS > 0 ? static_cast<float>(h.durationS) : CompactRow::kNone;
    r.speedup = toFloat(h.speedup);
    r.runtimeMs = toFloat(h.runtimeMs);
    r.baselineMs = toFloat(h.baselineMs);
    r.costUsd = toFloat(h.costUsd);
    r.reward = toFloat(h.reward);
    r.problem = m_pools[FProblem].intern(h.problem);
    r.run = m_pools[FRun].intern(h.run);
    r.step = h.step;
    r.turn = static_cast<std::int16_t>(std::clamp(h.turn, -1, 32767));
    r.source = intern16(FSource, h.source);
    r.backend = intern16(FBackend, h.backend);
    r.target = intern16(FTarget, h.target);
    r.gpu = intern16(FGpu, h.gpu);
    r.status = static_cast<std::uint8_t>(h.status);
    r.cheated = h.cheated;
    r.compileSpeedup = toFloat(h.compileSpeedup);
    r.solPercent = toFloat(h.solPercent);
    r.intensity = toFloat(h.arithmeticIntensity);
    r.achievedFlops = toFloat(h.achievedFlopsPerS);
    r.solBound = h.solBound == "memory" ? 1 : (h.solBound == "compute" ? 2 : 0);
    r.fasterThanLight = h.fasterThanLight;
    const bool untrusted = h.timingVerdict == "noisy" || h.timingVerdict == "unreliable";
    const auto interval = [](const std::optional<double>& lo, const std::optional<double>& hi) {
        return lo && hi ? std::optional<SpeedupInterval>(SpeedupInterval{*lo, *hi}) : std::nullopt;
    };
    const auto eagerCi = interval(h.speedupCiLow, h.speedupCiHigh);
    const auto compileCi = interval(h.compileCiLow, h.compileCiHigh);
    for (int i = 0; i < CompactRow::kThresholdCount; ++i) {
        const double p = i + 1.0; // fast_1, fast_2
        r.setVerdict(Baseline::Eager, i, significance(h.status, untrusted, h.fasterThanLight, eagerCi, p));
        r.setVerdict(Baseline::Compile, i,
                     significance(h.status, untrusted, h.fasterThanLight, compileCi, p));
    }
    r.win = static_cast<std::uint8_t>(h.win) & 3u;
    r.cancelled = h.cancelled;
    r.notRun = h.notRun == "too large" ? 2 : (h.notRun.empty() ? 0 : 1);
    return r;
}

void HistoryModel::insertBatch(std::vector<HistoryRow>::const_iterator begin,
                               std::vector<HistoryRow>::const_iterator end)
{
    const auto n = static_cast<int>(end - begin);
    if (n <= 0)
        return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + n - 1);
    if (m_rows.capacity() < m_rows.size() + static_cast<std::size_t>(n))
        m_rows.reserve(std::max(m_rows.size() + static_cast<std::size_t>(n), m_rows.size() * 3 / 2));
    for (auto it = begin; it != end; ++it) {
        if (it->rowId <= m_maxRowId && !m_rows.empty())
            m_sortedByRowId = false;
        m_maxRowId = std::max(m_maxRowId, it->rowId);
        m_rows.push_back(compact(*it));
    }
    endInsertRows();
    Q_EMIT flushed(first, first + n - 1);
}

void HistoryModel::enqueue(std::vector<HistoryRow> rows)
{
    if (rows.empty())
        return;
    bool schedule = false;
    {
        std::lock_guard lock(m_stageMutex);
        if (m_staged.empty())
            m_staged = std::move(rows);
        else
            m_staged.insert(m_staged.end(), std::make_move_iterator(rows.begin()),
                            std::make_move_iterator(rows.end()));
        schedule = !m_flushScheduled;
        m_flushScheduled = true;
    }
    if (schedule) {
        // Any thread: the timer lives on the model's thread, so start it there.
        post(this, [this] { m_flushTimer.start(); });
    }
}

std::size_t HistoryModel::stagedCount() const
{
    std::lock_guard lock(m_stageMutex);
    return m_staged.size();
}

void HistoryModel::flush()
{
    std::vector<HistoryRow> batch;
    bool more = false;
    {
        std::lock_guard lock(m_stageMutex);
        if (m_staged.size() <= static_cast<std::size_t>(m_maxBatch)) {
            batch.swap(m_staged);
            m_flushScheduled = false;
        } else {
            // Bound the work per event-loop turn; the rest follows on the next turn.
            auto cut = m_staged.begin() + m_maxBatch;
            batch.assign(std::make_move_iterator(m_staged.begin()), std::make_move_iterator(cut));
            m_staged.erase(m_staged.begin(), cut);
            more = true;
        }
    }
    insertBatch(batch.cbegin(), batch.cend());
    if (more)
        m_flushTimer.start(0);
}

void HistoryModel::appendNow(const std::vector<HistoryRow>& rows)
{
    flush();
    insertBatch(rows.cbegin(), rows.cend());
}

void HistoryModel::clear()
{
    {
        std::lock_guard lock(m_stageMutex);
        m_staged.clear();
        m_flushScheduled = false;
    }
    m_flushTimer.stop();
    beginResetModel();
    m_rows.clear();
    m_rows.shrink_to_fit();
    for (auto& p : m_pools)
        p.clear();
    m_maxRowId = 0;
    m_sortedByRowId = true;
    endResetModel();
}

void HistoryModel::merge(const std::vector<HistoryRow>& incoming)
{
    flush();
    if (!m_sortedByRowId) {
        std::stable_sort(m_rows.begin(), m_rows.end(),
                         [](const CompactRow& a, const CompactRow& b) { return a.rowId < b.rowId; });
        beginResetModel(); // rare: only after out-of-order appendNow() calls
        m_sortedByRowId = true;
        endResetModel();
    }
    std::size_t i = 0; // position in m_rows
    std::size_t j = 0; // position in incoming
    while (i < m_rows.size() || j < incoming.size()) {
        if (j >= incoming.size() || (i < m_rows.size() && m_rows[i].rowId < incoming[j].rowId)) {
            // Rows gone from the store: remove the whole run at once.
            std::size_t k = i;
            while (k < m_rows.size() && (j >= incoming.size() || m_rows[k].rowId < incoming[j].rowId))
                ++k;
            beginRemoveRows({}, static_cast<int>(i), static_cast<int>(k - 1));
            m_rows.erase(m_rows.begin() + static_cast<std::ptrdiff_t>(i),
                         m_rows.begin() + static_cast<std::ptrdiff_t>(k));
            endRemoveRows();
        } else if (i >= m_rows.size() || incoming[j].rowId < m_rows[i].rowId) {
            std::size_t k = j;
            while (k < incoming.size() && (i >= m_rows.size() || incoming[k].rowId < m_rows[i].rowId))
                ++k;
            const auto n = static_cast<int>(k - j);
            beginInsertRows({}, static_cast<int>(i), static_cast<int>(i) + n - 1);
            std::vector<CompactRow> fresh;
            fresh.reserve(k - j);
            for (std::size_t x = j; x < k; ++x) {
                fresh.push_back(compact(incoming[x]));
                m_maxRowId = std::max(m_maxRowId, incoming[x].rowId);
            }
            m_rows.insert(m_rows.begin() + static_cast<std::ptrdiff_t>(i), fresh.begin(), fresh.end());
            endInsertRows();
            i += static_cast<std::size_t>(n);
            j = k;
        } else {
            const CompactRow c = compact(incoming[j]);
            if (std::memcmp(&c, &m_rows[i], sizeof c) != 0) {
                m_rows[i] = c;
                Q_EMIT dataChanged(index(static_cast<int>(i), 0),
                                   index(static_cast<int>(i), ColumnCount - 1));
            }
            ++i;
            ++j;
        }
    }
    m_maxRowId = m_rows.empty() ? 0 : m_rows.back().rowId;
}

int HistoryModel::rowForRowId(std::int64_t rowId) const
{
    if (m_sortedByRowId) {
        auto it = std::lower_bound(m_rows.begin(), m_rows.end(), rowId,
                                   [](const CompactRow& r, std::int64_t id) { return r.rowId < id; });
        return it != m_rows.end() && it->rowId == rowId ? static_cast<int>(it - m_rows.begin()) : -1;
    }
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].rowId == rowId)
            return static_cast<int>(i);
    return -1;
}

std::size_t HistoryModel::memoryBytes() const
{
    std::size_t n = m_rows.capacity() * sizeof(CompactRow);
    for (const auto& p : m_pools)
        n += p.memoryBytes();
    return n;
}

} // namespace kw::ui
