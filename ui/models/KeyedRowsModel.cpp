#include "ui/models/KeyedRowsModel.h"

namespace kw::ui {

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

} // namespace kw::ui
