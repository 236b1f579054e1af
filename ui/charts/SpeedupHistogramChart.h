#pragma once

#include "ui/charts/ChartData.h"
#include "ui/charts/ChartWidget.h"

namespace kw::ui {

// How speedups of correct results are distributed (log-spaced bins, 0.01× to 100×).
class SpeedupHistogramChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit SpeedupHistogramChart(QWidget* parent = nullptr);
    void setSeries(const ChartSeries& s);
    void resetZoom() override;

protected:
    QString tooltipAt(const QPoint& pos) const override;
    void applyColors() override;

private:
    QCPBars* m_bars;
    QCPItemStraightLine* m_one;
    double m_binWidth = 0.1;
    double m_maxCount = 1;
};

} // namespace kw::ui
