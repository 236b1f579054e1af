#pragma once

#include <QSortFilterProxyModel>

namespace kw::ui {

// Search text (any column, case-insensitive) and container filter (empty = all).
class LogFilterModel : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setSearch(const QString& text);
    void setContainer(const QString& containerId);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_search, m_container;
};

} // namespace kw::ui
