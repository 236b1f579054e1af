#pragma once

#include "ui/charts/ChartData.h"
#include "ui/charts/ChartWidget.h"

#include <memory>

namespace kw::ui {

// Speedup of each evaluation over time, log scale, one colour per status.
class SpeedupTimeChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit SpeedupTimeChart(QWidget* parent = nullptr);
    void setSeries(const ChartSeries& s, std::shared_ptr<const std::vector<ChartPoint>> points,
                   std::shared_ptr<const std::vector<QString>> names);
    void resetZoom() override;

protected:
    QString tooltipAt(const QPoint& pos) const override;
    void applyColors() override;

private:
    std::array<QCPGraph*, StatusStyle::kCount> m_graphs{};
    std::array<std::vector<int>, StatusStyle::kCount> m_index;
    std::shared_ptr<const std::vector<ChartPoint>> m_points;
    std::shared_ptr<const std::vector<QString>> m_names;
    QCPItemStraightLine* m_one;
    double m_tMin = 0, m_tMax = 1, m_yMin = 0.1, m_yMax = 10;
};

} // namespace kw::ui
