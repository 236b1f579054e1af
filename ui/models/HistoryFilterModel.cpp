#include "ui/models/HistoryFilterModel.h"

#include "ui/base/StatusStyle.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
constexpr std::uint32_t kNoMatch = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kAny = kNoMatch - 1;
} // namespace

// The spec compiled against the source's string pools: per word and field a byte per
// distinct string, so testing a row is a handful of array lookups.
struct HistoryFilterModel::Matcher
{
    HistoryFilterSpec spec;
    QStringList words;
    std::vector<std::array<std::vector<std::uint8_t>, HistoryModel::FieldCount>> tables; // [word][field][idx]
    std::vector<std::array<bool, StatusStyle::kCount>> statusWords;
    std::uint32_t problem = kAny, source = kAny, run = kAny;
    double from = 0, to = 0;

    void extend(const HistoryModel& m)
    {
        for (std::size_t w = 0; w < tables.size(); ++w) {
            for (int f = 0; f < HistoryModel::FieldCount; ++f) {
                auto& t = tables[w][static_cast<std::size_t>(f)];
                const auto& pool = m.pool(static_cast<HistoryModel::Field>(f));
                for (std::uint32_t i = static_cast<std::uint32_t>(t.size()); i < pool.size(); ++i)
                    t.push_back(
                        pool.at(i).contains(words[static_cast<qsizetype>(w)], Qt::CaseInsensitive) ? 1 : 0);
            }
        }
        auto resolve = [&m](const QString& s, HistoryModel::Field f) {
            if (s.isEmpty())
                return kAny;
            const auto i = m.pool(f).find(s);
            return i ? *i : kNoMatch;
        };
        problem = resolve(spec.problem, HistoryModel::FProblem);
        source = resolve(spec.source, HistoryModel::FSource);
        run = resolve(spec.run, HistoryModel::FRun);
    }

    bool needsExtend(const HistoryModel& m) const
    {
        if (!tables.empty())
            for (int f = 0; f < HistoryModel::FieldCount; ++f)
                if (tables[0][static_cast<std::size_t>(f)].size() !=
                    m.pool(static_cast<HistoryModel::Field>(f)).size())
                    return true;
        return problem == kNoMatch || source == kNoMatch || run == kNoMatch;
    }

    bool accepts(const CompactRow& r) const
    {
        if (!((spec.statusMask >> r.status) & 1u))
            return false;
        if (problem != kAny && r.problem != problem)
            return false;
        if (source != kAny && r.source != source)
            return false;
        if (run != kAny && r.run != run)
            return false;
        if (from > 0 && r.createdAt < from)
            return false;
        if (to > 0 && r.createdAt >= to)
            return false;
        if (spec.hasSolRange() && !spec.acceptsSol(r.solPercent))
            return false;
        for (std::size_t w = 0; w < tables.size(); ++w) {
            const auto& t = tables[w];
            if (!(t[HistoryModel::FProblem][r.problem] || t[HistoryModel::FSource][r.source] ||
                  t[HistoryModel::FBackend][r.backend] || t[HistoryModel::FTarget][r.target] ||
                  t[HistoryModel::FGpu][r.gpu] || t[HistoryModel::FRun][r.run] ||
                  statusWords[w][std::min<int>(r.status, StatusStyle::kCount - 1)]))
                return false;
        }
        return true;
    }
};

HistoryFilterModel::HistoryFilterModel(QObject* parent) : QAbstractProxyModel(parent) {}

HistoryFilterModel::~HistoryFilterModel() = default;

void HistoryFilterModel::setSourceModel(QAbstractItemModel* model)
{
    auto* history = qobject_cast<HistoryModel*>(model);
    Q_ASSERT_X(history || !model, "HistoryFilterModel", "the source must be a HistoryModel");
    beginResetModel();
    for (const auto& c : m_connections)
        disconnect(c);
    m_connections.clear();
    m_source = history;
    QAbstractProxyModel::setSourceModel(history);
    if (history) {
        m_connections.push_back(
            connect(history, &QAbstractItemModel::rowsInserted, this, &HistoryFilterModel::onRowsInserted));
        m_connections.push_back(connect(history, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                                        &HistoryFilterModel::onRowsAboutToBeRemoved));
        m_connections.push_back(
            connect(history, &QAbstractItemModel::rowsRemoved, this, &HistoryFilterModel::onRowsRemoved));
        m_connections.push_back(
            connect(history, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); }));
        m_connections.push_back(connect(history, &QAbstractItemModel::modelReset, this, [this] {
            m_rows.clear();
            m_reverseDirty = true;
            m_rankColumn = -1;
            m_matcher.reset();
            m_rows = acceptedRows(0, m_source->rowCount() - 1);
            sortRows(m_rows);
            endResetModel();
            Q_EMIT contentsChanged();
        }));
        m_connections.push_back(
            connect(history, &QAbstractItemModel::dataChanged, this, [this] { rebuild(); }));
        m_connections.push_back(
            connect(history, &QAbstractItemModel::layoutChanged, this, [this] { rebuild(); }));
    }
    m_matcher.reset();
    m_rows = history ? acceptedRows(0, history->rowCount() - 1) : std::vector<int>();
    sortRows(m_rows);
    m_reverseDirty = true;
    endResetModel();
}

QModelIndex HistoryFilterModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex HistoryFilterModel::parent(const QModelIndex&) const
{
    return {};
}

int HistoryFilterModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int HistoryFilterModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_source ? 0 : m_source->columnCount();
}

bool HistoryFilterModel::hasChildren(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_rows.empty() && columnCount() > 0;
}

QModelIndex HistoryFilterModel::sibling(int row, int column, const QModelIndex& idx) const
{
    return idx.isValid() ? index(row, column) : QModelIndex();
}

QModelIndex HistoryFilterModel::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!m_source || !proxyIndex.isValid() || proxyIndex.model() != this ||
        proxyIndex.row() >= static_cast<int>(m_rows.size()))
        return {};
    return m_source->index(m_rows[static_cast<std::size_t>(proxyIndex.row())], proxyIndex.column());
}

void HistoryFilterModel::ensureReverse() const
{
    if (!m_reverseDirty || !m_source)
        return;
    m_reverse.assign(static_cast<std::size_t>(m_source->rowCount()), -1);
    for (std::size_t p = 0; p < m_rows.size(); ++p) {
        const auto s = static_cast<std::size_t>(m_rows[p]);
        if (s < m_reverse.size())
            m_reverse[s] = static_cast<int>(p);
    }
    m_reverseDirty = false;
}

QModelIndex HistoryFilterModel::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!m_source || !sourceIndex.isValid() || sourceIndex.model() != m_source)
        return {};
    ensureReverse();
    const auto s = static_cast<std::size_t>(sourceIndex.row());
    if (s >= m_reverse.size() || m_reverse[s] < 0)
        return {};
    return createIndex(m_reverse[s], sourceIndex.column());
}

QVariant HistoryFilterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_source)
        return {};
    if (orientation == Qt::Horizontal)
        return m_source->headerData(section, orientation, role);
    if (role == Qt::DisplayRole && section >= 0 && section < rowCount())
        return section + 1;
    return {};
}

int HistoryFilterModel::proxyRowForRowId(std::int64_t rowId) const
{
    if (!m_source)
        return -1;
    const int s = m_source->rowForRowId(rowId);
    if (s < 0)
        return -1;
    ensureReverse();
    return static_cast<std::size_t>(s) < m_reverse.size() ? m_reverse[static_cast<std::size_t>(s)] : -1;
}

std::vector<int> HistoryFilterModel::acceptedRows(int first, int last)
{
    std::vector<int> out;
    if (!m_source || last < first)
        return out;
    if (m_spec.isEmpty()) {
        out.resize(static_cast<std::size_t>(last - first + 1));
        for (int i = first; i <= last; ++i)
            out[static_cast<std::size_t>(i - first)] = i;
        return out;
    }
    if (!m_matcher) {
        m_matcher = std::make_unique<Matcher>();
        m_matcher->spec = m_spec;
        for (const QString& w : m_spec.text.split(u' ', Qt::SkipEmptyParts)) {
            m_matcher->words << w;
            m_matcher->tables.emplace_back();
            std::array<bool, StatusStyle::kCount> st{};
            for (int i = 0; i < StatusStyle::kCount; ++i)
                st[static_cast<std::size_t>(i)] =
                    StatusStyle::label(StatusStyle::at(i)).contains(w, Qt::CaseInsensitive) ||
                    StatusStyle::key(StatusStyle::at(i)).contains(w, Qt::CaseInsensitive);
            m_matcher->statusWords.push_back(st);
        }
        m_spec.window(static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0, m_matcher->from,
                      m_matcher->to);
        m_matcher->extend(*m_source);
    } else if (m_matcher->needsExtend(*m_source)) {
        m_matcher->extend(*m_source);
    }
    const auto& rows = m_source->rows();
    out.reserve(static_cast<std::size_t>(last - first + 1) / 4);
    for (int i = first; i <= last; ++i)
        if (m_matcher->accepts(rows[static_cast<std::size_t>(i)]))
            out.push_back(i);
    return out;
}

void HistoryFilterModel::updateRanks() const
{
    HistoryModel::Field f;
    switch (m_sortColumn) {
    case HistoryModel::Source:
        f = HistoryModel::FSource;
        break;
    case HistoryModel::Problem:
        f = HistoryModel::FProblem;
        break;
    case HistoryModel::Backend:
        f = HistoryModel::FBackend;
        break;
    case HistoryModel::Target:
        f = HistoryModel::FTarget;
        break;
    case HistoryModel::Gpu:
        f = HistoryModel::FGpu;
        break;
    default:
        return;
    }
    const StringPool& pool = m_source->pool(f);
    if (m_rankColumn == m_sortColumn && m_rankPoolSize == pool.size())
        return;
    std::vector<std::uint32_t> order(pool.size());
    for (std::uint32_t i = 0; i < pool.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&pool](std::uint32_t a, std::uint32_t b) {
        const int c = pool.at(a).compare(pool.at(b), Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a < b;
    });
    m_rank.assign(pool.size(), 0);
    for (std::uint32_t r = 0; r < order.size(); ++r)
        m_rank[order[r]] = r;
    m_rankColumn = m_sortColumn;
    m_rankPoolSize = pool.size();
}

double HistoryFilterModel::key(int sourceRow) const
{
    const CompactRow& r = m_source->row(sourceRow);
    auto num = [](float v) { return std::isnan(v) ? -std::numeric_limits<double>::infinity() : double(v); };
    switch (m_sortColumn) {
    case HistoryModel::Time:
        return r.createdAt;
    case HistoryModel::Source:
        return m_rank[r.source];
    case HistoryModel::Problem:
        return m_rank[r.problem];
    case HistoryModel::Backend:
        return m_rank[r.backend];
    case HistoryModel::Target:
        return m_rank[r.target];
    case HistoryModel::Gpu:
        return m_rank[r.gpu];
    case HistoryModel::Status:
        return r.status;
    case HistoryModel::Speedup:
        return num(r.speedup);
    case HistoryModel::CompileSpeedup:
        return num(r.compileSpeedup);
    case HistoryModel::SolPercent:
        return num(r.solPercent);
    case HistoryModel::Runtime:
        return num(r.runtimeMs);
    case HistoryModel::Baseline:
        return num(r.baselineMs);
    case HistoryModel::Duration:
        return num(r.durationS);
    case HistoryModel::Cost:
        return num(r.costUsd);
    default:
        return sourceRow;
    }
}

bool HistoryFilterModel::before(int a, int b) const
{
    const double ka = key(a), kb = key(b);
    const bool less = ka < kb || (ka == kb && a < b);
    const bool greater = kb < ka || (ka == kb && b < a);
    return m_sortOrder == Qt::AscendingOrder ? less : greater;
}

void HistoryFilterModel::sortRows(std::vector<int>& rows) const
{
    if (m_sortColumn < 0 || rows.size() < 2 || !m_source)
        return;
    updateRanks();
    std::vector<std::pair<double, int>> keyed(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        keyed[i] = {key(rows[i]), rows[i]};
    if (!std::is_sorted(keyed.begin(), keyed.end()))
        std::sort(keyed.begin(), keyed.end());
    if (m_sortOrder == Qt::DescendingOrder)
        std::reverse(keyed.begin(), keyed.end());
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i] = keyed[i].second;
}

void HistoryFilterModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList oldIndexes = persistentIndexList();
    std::vector<std::pair<int, int>> oldSource; // source row, column
    oldSource.reserve(static_cast<std::size_t>(oldIndexes.size()));
    for (const QModelIndex& i : oldIndexes)
        oldSource.emplace_back(m_rows[static_cast<std::size_t>(i.row())], i.column());
    m_sortColumn = column;
    m_sortOrder = order;
    if (column < 0)
        std::sort(m_rows.begin(), m_rows.end());
    else
        sortRows(m_rows);
    m_reverseDirty = true;
    ensureReverse();
    QModelIndexList newIndexes;
    newIndexes.reserve(oldIndexes.size());
    for (const auto& [s, c] : oldSource)
        newIndexes << createIndex(m_reverse[static_cast<std::size_t>(s)], c);
    changePersistentIndexList(oldIndexes, newIndexes);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    Q_EMIT contentsChanged();
}

void HistoryFilterModel::setFilter(const HistoryFilterSpec& spec)
{
    if (spec == m_spec && spec.range == HistoryFilterSpec::TimeRange::Any)
        return;
    m_spec = spec;
    rebuild();
    Q_EMIT filterChanged(m_spec);
}

void HistoryFilterModel::refilter()
{
    rebuild();
}

void HistoryFilterModel::rebuild()
{
    QElapsedTimer timer;
    timer.start();
    beginResetModel();
    m_matcher.reset();
    m_rows = m_source ? acceptedRows(0, m_source->rowCount() - 1) : std::vector<int>();
    sortRows(m_rows);
    m_reverseDirty = true;
    endResetModel();
    m_lastFilterMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    Q_EMIT contentsChanged();
}

void HistoryFilterModel::onRowsInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int n = last - first + 1;
    const int oldSourceCount = m_source->rowCount() - n;
    if (first < oldSourceCount) // inserted in the middle (merge): shift what follows
        for (int& s : m_rows)
            if (s >= first)
                s += n;
    m_reverseDirty = true;

    std::vector<int> fresh = acceptedRows(first, last);
    if (fresh.empty())
        return;
    auto insertAt = [this](int pos, const std::vector<int>& rows) {
        beginInsertRows({}, pos, pos + static_cast<int>(rows.size()) - 1);
        m_rows.insert(m_rows.begin() + pos, rows.begin(), rows.end());
        m_reverseDirty = true;
        endInsertRows();
    };

    if (m_sortColumn < 0) {
        const auto pos = std::lower_bound(m_rows.begin(), m_rows.end(), fresh.front()) - m_rows.begin();
        insertAt(static_cast<int>(pos), fresh);
    } else {
        sortRows(fresh);
        // Where does each new row go? Usually all at one end (newest first by time).
        std::vector<int> positions(fresh.size());
        for (std::size_t i = 0; i < fresh.size(); ++i)
            positions[i] = static_cast<int>(std::upper_bound(m_rows.begin(), m_rows.end(), fresh[i],
                                                             [this](int a, int b) { return before(a, b); }) -
                                            m_rows.begin());
        std::vector<std::pair<int, std::vector<int>>> groups; // position, rows
        for (std::size_t i = 0; i < fresh.size(); ++i) {
            if (groups.empty() || groups.back().first != positions[i])
                groups.emplace_back(positions[i], std::vector<int>());
            groups.back().second.push_back(fresh[i]);
        }
        if (groups.size() <= 16) {
            for (auto it = groups.rbegin(); it != groups.rend(); ++it) // last first: positions stay valid
                insertAt(it->first, it->second);
        } else {
            // Scattered: one insert at the end, then one re-layout into sorted order.
            insertAt(static_cast<int>(m_rows.size()), fresh);
            Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
            const QModelIndexList oldIndexes = persistentIndexList();
            std::vector<std::pair<int, int>> oldSource;
            for (const QModelIndex& i : oldIndexes)
                oldSource.emplace_back(m_rows[static_cast<std::size_t>(i.row())], i.column());
            const auto mid = m_rows.end() - static_cast<std::ptrdiff_t>(fresh.size());
            std::inplace_merge(m_rows.begin(), mid, m_rows.end(),
                               [this](int a, int b) { return before(a, b); });
            m_reverseDirty = true;
            ensureReverse();
            QModelIndexList newIndexes;
            for (const auto& [s, c] : oldSource)
                newIndexes << createIndex(m_reverse[static_cast<std::size_t>(s)], c);
            changePersistentIndexList(oldIndexes, newIndexes);
            Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        }
    }
    Q_EMIT contentsChanged();
}

void HistoryFilterModel::onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    ensureReverse();
    std::vector<int> proxyRows;
    for (int s = first; s <= last; ++s)
        if (const int p = m_reverse[static_cast<std::size_t>(s)]; p >= 0)
            proxyRows.push_back(p);
    std::sort(proxyRows.begin(), proxyRows.end(), std::greater<>());
    std::size_t i = 0;
    while (i < proxyRows.size()) {
        std::size_t j = i;
        while (j + 1 < proxyRows.size() && proxyRows[j + 1] == proxyRows[j] - 1)
            ++j;
        const int lo = proxyRows[j], hi = proxyRows[i];
        beginRemoveRows({}, lo, hi);
        m_rows.erase(m_rows.begin() + lo, m_rows.begin() + hi + 1);
        m_reverseDirty = true;
        ensureReverse(); // the source still has the rows: keep the map consistent meanwhile
        endRemoveRows();
        i = j + 1;
    }
}

void HistoryFilterModel::onRowsRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int n = last - first + 1;
    for (int& s : m_rows)
        if (s > last)
            s -= n;
    m_reverseDirty = true;
    Q_EMIT contentsChanged();
}

} // namespace kw::ui
