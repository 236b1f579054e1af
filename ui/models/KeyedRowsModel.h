#pragma once

#include <QAbstractTableModel>
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

} // namespace kw::ui
