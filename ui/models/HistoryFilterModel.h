#pragma once

#include "ui/models/HistoryFilterSpec.h"
#include "ui/models/HistoryModel.h"

#include <QAbstractProxyModel>
#include <QPointer>

#include <array>
#include <vector>

namespace kw::ui {

// Filters and sorts HistoryModel without QVariant round trips: it reads the compact rows
// directly and matches text against the interned strings once per distinct value, so a
// million rows filter in milliseconds. Appends from the source are placed at their sorted
// position with one beginInsertRows per batch. Charts read sourceRows() to follow the filter.
class HistoryFilterModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit HistoryFilterModel(QObject* parent = nullptr);
    ~HistoryFilterModel() override;

    void setSourceModel(QAbstractItemModel* model) override; // must be a HistoryModel
    HistoryModel* historyModel() const { return m_source; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& idx) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    void setFilter(const HistoryFilterSpec& spec);
    const HistoryFilterSpec& filter() const { return m_spec; }
    // Re-applies the filter (relative time ranges move with the clock).
    void refilter();

    int sourceRow(int proxyRow) const { return m_rows[static_cast<std::size_t>(proxyRow)]; }
    const std::vector<int>& sourceRows() const { return m_rows; } // proxy order
    int proxyRowForRowId(std::int64_t rowId) const;
    double lastFilterMs() const { return m_lastFilterMs; }

Q_SIGNALS:
    void filterChanged(const kw::ui::HistoryFilterSpec& spec);
    void contentsChanged(); // rows came, went or were re-filtered (charts redraw)

private:
    struct Matcher;

    void onRowsInserted(const QModelIndex& parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last);
    void onRowsRemoved(const QModelIndex& parent, int first, int last);
    void rebuild(); // reset with the current spec and sort
    std::vector<int> acceptedRows(int first, int last);
    void sortRows(std::vector<int>& rows) const;
    double key(int sourceRow) const;
    bool before(int a, int b) const; // proxy order
    void updateRanks() const;
    void ensureReverse() const;

    QPointer<HistoryModel> m_source;
    HistoryFilterSpec m_spec;
    std::unique_ptr<Matcher> m_matcher;
    std::vector<int> m_rows;            // proxy row → source row
    mutable std::vector<int> m_reverse; // source row → proxy row or -1
    mutable bool m_reverseDirty = true;
    int m_sortColumn = HistoryModel::Time;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    mutable std::vector<std::uint32_t> m_rank; // pool index → sort rank, for string columns
    mutable int m_rankColumn = -1;
    mutable std::uint32_t m_rankPoolSize = 0;
    double m_lastFilterMs = 0;
    std::vector<QMetaObject::Connection> m_connections;
    std::vector<int> m_removing; // proxy rows removed in the current source removal
};

} // namespace kw::ui
