#pragma once

#include "ui/charts/ChartWidget.h"

#include <QColor>
#include <QVector>

#include <optional>
#include <utility>

namespace kw::ui {

// A per-step line chart for the Training panel: any number of curves (several runs overlaid,
// several measures per run), optional ± error bars. Replots are queued (coalesced).
class StepChart : public ChartWidget
{
    Q_OBJECT
public:
    struct Curve
    {
        QString name;
        QVector<double> x, y, err; // err empty: no error bars
        QColor color;
        Qt::PenStyle style = Qt::SolidLine;
    };

    StepChart(const QString& title, const QString& yLabel, QWidget* parent = nullptr);
    void setCurves(const QVector<Curve>& curves);
    void resetZoom() override;
    int curveCount() const { return int(m_curves.size()); }
    // Fixes the value axis to [lo, hi] on reset (e.g. percentages) instead of fitting the data.
    void setValueRange(double lo, double hi);

protected:
    QString tooltipAt(const QPoint& pos) const override;
    void applyColors() override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void arrangeLegend(); // as many columns as fit the width, below the axis rect
    // The legend takes part in the plot's layout only while it shows something: QCustomPlot caps a
    // layout column at the smallest maximum width of its elements, hidden ones included, so an
    // empty chart's hidden legend squeezed its axis rect (reversed axes on a 1024 px window).
    void placeLegend(bool shown);

    QVector<Curve> m_curves;
    std::optional<std::pair<double, double>> m_valueRange;
};

} // namespace kw::ui
