#pragma once

#include "ui/charts/ChartData.h"
#include "ui/charts/ChartWidget.h"

namespace kw::ui {

// The best significant speedup reached on each problem (top 20), as horizontal bars.
class BestSpeedupChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit BestSpeedupChart(QWidget* parent = nullptr);
    void setSeries(const ChartSeries& s);
    void resetZoom() override;

protected:
    QString tooltipAt(const QPoint& pos) const override;
    void applyColors() override;

private:
    QCPBars* m_faster;
    QCPBars* m_slower;
    QCPItemStraightLine* m_one;
    QVector<QString> m_names;
    QVector<double> m_values;
    int m_problems = 0;
};

} // namespace kw::ui
