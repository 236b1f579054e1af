#include "deployment/ModalTableModels.h"

#include <algorithm>

namespace kw::ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

KeyedRowsModel::KeyedRowsModel(QStringList headers, QObject* parent)
    : QAbstractTableModel(parent), m_headers(std::move(headers))
{
}

int KeyedRowsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KeyedRowsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant KeyedRowsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        const QStringList& cells = m_rows[size_t(index.row())].cells;
        return index.column() < cells.size() ? cells[index.column()] : QString();
    }
    if (role == Qt::UserRole)
        return m_rows[size_t(index.row())].key;
    return {};
}

QVariant KeyedRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < m_headers.size())
        return m_headers[section];
    return {};
}

QString KeyedRowsModel::keyAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].key : QString();
}

int KeyedRowsModel::rowOf(const QString& key) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].key == key)
            return int(i);
    return -1;
}

void KeyedRowsModel::setRows(const std::vector<Row>& rows)
{
    // 1. Remove rows whose key is gone (back to front, contiguous runs at once).
    auto wanted = [&](const QString& key) {
        return std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return r.key == key; });
    };
    for (int i = int(m_rows.size()) - 1; i >= 0;) {
        if (wanted(m_rows[size_t(i)].key)) {
            --i;
            continue;
        }
        int first = i;
        while (first > 0 && !wanted(m_rows[size_t(first - 1)].key))
            --first;
        beginRemoveRows({}, first, i);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + i + 1);
        endRemoveRows();
        i = first - 1;
    }
    // 2. Walk the new order: update in place, move (remove + insert) or insert.
    for (int i = 0; i < int(rows.size()); ++i) {
        const Row& r = rows[size_t(i)];
        if (i < int(m_rows.size()) && m_rows[size_t(i)].key == r.key) {
            if (m_rows[size_t(i)].cells != r.cells) {
                m_rows[size_t(i)].cells = r.cells;
                Q_EMIT dataChanged(index(i, 0), index(i, columnCount() - 1));
            }
            continue;
        }
        int at = -1;
        for (int j = i + 1; j < int(m_rows.size()); ++j)
            if (m_rows[size_t(j)].key == r.key)
                at = j;
        if (at >= 0) {
            beginRemoveRows({}, at, at);
            m_rows.erase(m_rows.begin() + at);
            endRemoveRows();
        }
        beginInsertRows({}, i, i);
        m_rows.insert(m_rows.begin() + i, r);
        endInsertRows();
    }
    // Duplicate keys in `rows` could leave extras at the end.
    if (m_rows.size() > rows.size()) {
        beginRemoveRows({}, int(rows.size()), int(m_rows.size()) - 1);
        m_rows.resize(rows.size());
        endRemoveRows();
    }
}

AppListModel::AppListModel(QObject* parent)
    : KeyedRowsModel({tr("Name"), tr("State"), tr("Tasks"), tr("Created"), tr("App ID")}, parent)
{
}

void AppListModel::setApps(const std::vector<ModalApp>& apps)
{
    std::vector<Row> rows;
    for (const ModalApp& a : apps)
        rows.push_back(
            {q(a.appId),
             {q(a.description), q(a.state), QString::number(a.tasks), q(a.createdAt), q(a.appId)}});
    setRows(rows);
}

ContainerListModel::ContainerListModel(QObject* parent)
    : KeyedRowsModel({tr("Container"), tr("App"), tr("Started")}, parent)
{
}

void ContainerListModel::setContainers(const std::vector<ModalContainer>& containers)
{
    std::vector<Row> rows;
    for (const ModalContainer& c : containers)
        rows.push_back({q(c.containerId),
                        {q(c.containerId), q(c.appName.empty() ? c.appId : c.appName),
                         c.pending ? tr("Pending") : q(c.startTime)}});
    setRows(rows);
}

LogLineModel::LogLineModel(int maxRows, QObject* parent) : QAbstractTableModel(parent), m_maxRows(maxRows) {}

int LogLineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int LogLineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 3;
}

QVariant LogLineModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const Line& l = m_lines[size_t(index.row())];
    switch (index.column()) {
    case 0:
        return l.time;
    case 1:
        return l.container;
    default:
        return l.message;
    }
}

QVariant LogLineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case 0:
        return tr("Time");
    case 1:
        return tr("Container");
    case 2:
        return tr("Message");
    default:
        return {};
    }
}

void LogLineModel::append(const ModalLogLine& line)
{
    if (m_maxRows > 0 && int(m_lines.size()) >= m_maxRows) {
        const int drop = std::max(1, m_maxRows / 10);
        beginRemoveRows({}, 0, drop - 1);
        m_lines.erase(m_lines.begin(), m_lines.begin() + drop);
        endRemoveRows();
    }
    const int at = int(m_lines.size());
    beginInsertRows({}, at, at);
    m_lines.push_back({q(line.timestamp), q(line.containerId), q(line.message)});
    endInsertRows();
}

void LogLineModel::clear()
{
    if (m_lines.empty())
        return;
    beginRemoveRows({}, 0, int(m_lines.size()) - 1);
    m_lines.clear();
    endRemoveRows();
}

QStringList LogLineModel::containers() const
{
    QStringList out;
    for (const Line& l : m_lines)
        if (!l.container.isEmpty() && !out.contains(l.container))
            out << l.container;
    return out;
}

void LogFilterModel::setSearch(const QString& text)
{
    m_search = text;
    invalidateFilter();
}

void LogFilterModel::setContainer(const QString& containerId)
{
    m_container = containerId;
    invalidateFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* m = sourceModel();
    if (!m_container.isEmpty() && m->index(sourceRow, 1, sourceParent).data().toString() != m_container)
        return false;
    if (m_search.isEmpty())
        return true;
    for (int c = 0; c < m->columnCount(sourceParent); ++c)
        if (m->index(sourceRow, c, sourceParent).data().toString().contains(m_search, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace kw::ui
