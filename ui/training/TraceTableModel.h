#pragma once

#include "ui/training/TraceRow.h"

#include <QAbstractTableModel>

#include <vector>

namespace kw::ui {

// The live table of one training run. Rows only grow (appendRows: one beginInsertRows per
// batch) until the file starts over (clear). Steps resolved after indexing arrive with setSteps.
class TraceTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Time,
        Step,
        Turn,
        Level,
        Problem,
        Backend,
        Status,
        Speedup,
        Reward,
        ColumnCount
    };

    explicit TraceTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void appendRows(std::vector<TraceRow> rows);
    // Rows [first, first + steps.size()) get these steps (emits one dataChanged).
    struct StepValue
    {
        std::int32_t step = -1;
        StepSource source{}; // None
    };
    void setSteps(std::size_t first, const std::vector<StepValue>& steps);
    // Where a step came from and how far to trust it, in words (the Step column's tooltip).
    static QString stepExplanation(StepSource s);
    void clear();

    const std::vector<TraceRow>& rows() const { return m_rows; }
    const TraceRow* rowAt(int row) const;

private:
    std::vector<TraceRow> m_rows;
};

} // namespace kw::ui
