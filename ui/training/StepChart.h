#pragma once

#include "charts/ChartWidget.h"

#include <QColor>
#include <QVector>

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

protected:
    QString tooltipAt(const QPoint& pos) const override;

private:
    QVector<Curve> m_curves;
};

} // namespace kw::ui
