#pragma once

#include "core/modal/ModalLogLine.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace kw::ui {

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

} // namespace kw::ui
