#pragma once

#include "ModalAppList.h"
#include "ModalContainerList.h"
#include "ModalLogLine.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <vector>

namespace kw::ui {

// A table whose rows have a key (column 0 is not required to be it). setRows() merges the new
// rows into the current ones row by row: removed keys are removed, new keys inserted at their
// position, changed rows emit dataChanged; never a reset, so selection survives a poll.
class KeyedRowsModel : public QAbstractTableModel
{
public:
    struct Row
    {
        QString key;
        QStringList cells;
    };
    KeyedRowsModel(QStringList headers, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setRows(const std::vector<Row>& rows);
    QString keyAt(int row) const;
    int rowOf(const QString& key) const;

private:
    QStringList m_headers;
    std::vector<Row> m_rows;
};

// `modal app list`: Name, State, Tasks, Created, App ID (key = app id).
class AppListModel : public KeyedRowsModel
{
public:
    explicit AppListModel(QObject* parent = nullptr);
    void setApps(const std::vector<ModalApp>& apps);
};

// `modal container list`: Container, App, Started (key = container id).
class ContainerListModel : public KeyedRowsModel
{
public:
    explicit ContainerListModel(QObject* parent = nullptr);
    void setContainers(const std::vector<ModalContainer>& containers);
};

// Followed log lines (Time, Container, Message), appended; the oldest are dropped past maxRows.
class LogLineModel : public QAbstractTableModel
{
public:
    explicit LogLineModel(int maxRows = 5000, QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void append(const ModalLogLine& line);
    void clear();
    QStringList containers() const;

private:
    struct Line
    {
        QString time, container, message;
    };
    std::vector<Line> m_lines;
    int m_maxRows;
};

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
