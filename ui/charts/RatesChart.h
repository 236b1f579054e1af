#pragma once

#include "ui/charts/ChartData.h"
#include "ui/charts/ChartWidget.h"

namespace kw::ui {

// Share of evaluations that compiled and that were correct, per time bucket, with the
// bucket's size as faint bars behind.
class RatesChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit RatesChart(QWidget* parent = nullptr);
    void setSeries(const ChartSeries& s);
    void resetZoom() override;

protected:
    QString tooltipAt(const QPoint& pos) const override;
    void applyColors() override;

private:
    QCPGraph* m_compile;
    QCPGraph* m_correct;
    QCPBars* m_counts;
    ChartSeries m_series;
};

} // namespace kw::ui
