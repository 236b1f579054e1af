#include "ui/models/LogFilterModel.h"

namespace kw::ui {

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
