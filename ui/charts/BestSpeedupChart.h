#pragma once

#include "ui/charts/ChartData.h"
#include "ui/charts/ChartWidget.h"

namespace kw::ui {

// The best significant speedup reached on each problem (top 20), as horizontal bars. Problems
// with correct results but no significant win are counted in the title, not drawn.
class BestSpeedupChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit BestSpeedupChart(QWidget* parent = nullptr);
    void setSeries(const ChartSeries& s);
    void resetZoom() override;
    static QString titleFor(int shown, int withWin, int withoutWin);

protected:
    QString tooltipAt(const QPoint& pos) const override;
    void applyColors() override;

private:
    QCPBars* m_bars;
    QCPItemStraightLine* m_one;
    QVector<QString> m_names;
    QVector<double> m_values;
    int m_problems = 0;
};

} // namespace kw::ui
