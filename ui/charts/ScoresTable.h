#pragma once

#include "ui/charts/ScoreData.h"

#include <QTableWidget>

namespace kw::ui {

// fast_0/1/2 and the geometric-mean speedup per group (the filter, each run or each time
// bucket), against eager PyTorch and torch.compile side by side.
class ScoresTable : public QTableWidget
{
    Q_OBJECT
public:
    explicit ScoresTable(QWidget* parent = nullptr);
    void setGroups(const std::vector<ScoreGroup>& groups);
    enum Column
    {
        Group,
        Results,
        Correct,
        Fast1Eager,
        Fast2Eager,
        GeomeanEager,
        CompileMeasured,
        Fast1Compile,
        Fast2Compile,
        GeomeanCompile,
        ColumnCount
    };
};

} // namespace kw::ui
