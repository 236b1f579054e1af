#include "ui/models/LogLineModel.h"

#include "ui/base/QtStd.h"

#include <algorithm>

namespace kw::ui {

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
    m_lines.push_back({qs(line.timestamp), qs(line.containerId), qs(line.message)});
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

} // namespace kw::ui
