#include "training/StepChart.h"

#include <cmath>
#include <limits>

namespace kw::ui {

StepChart::StepChart(const QString& title, const QString& yLabel, QWidget* parent) : ChartWidget(title, parent)
{
    xAxis->setLabel(tr("step"));
    yAxis->setLabel(yLabel);
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    xAxis->setTicker(ticker);
    axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    axisRect()->setRangeZoom(Qt::Horizontal);
    legend->setVisible(true);
    QFont lf = font();
    lf.setPointSizeF(lf.pointSizeF() - 1);
    legend->setFont(lf);
    legend->setBrush(Qt::NoBrush);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    setEmptyMessage(tr("No steps yet."));
    setMinimumHeight(160);
}

void StepChart::setCurves(const QVector<Curve>& curves)
{
    m_curves = curves;
    clearPlottables();
    for (const Curve& c : curves) {
        QCPGraph* g = addGraph();
        g->setName(c.name);
        g->setPen(QPen(c.color, 2, c.style));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c.color, c.color, 4));
        g->setData(c.x, c.y, true);
        if (!c.err.isEmpty()) {
            auto* bars = new QCPErrorBars(xAxis, yAxis);
            bars->removeFromLegend();
            bars->setDataPlottable(g);
            bars->setData(c.err);
            QColor e = c.color;
            e.setAlpha(150);
            bars->setPen(QPen(e, 1));
        }
    }
    bool any = false;
    for (const Curve& c : curves)
        any = any || !c.x.isEmpty();
    setEmptyMessage(any ? QString() : tr("No steps yet."));
    legend->setVisible(any);
    resetZoom();
}

void StepChart::resetZoom()
{
    double xMin = std::numeric_limits<double>::max(), xMax = -xMin, yMin = xMin, yMax = -xMin;
    for (const Curve& c : m_curves) {
        for (int i = 0; i < c.x.size(); ++i) {
            if (std::isnan(c.y[i]))
                continue;
            const double e = i < c.err.size() && !std::isnan(c.err[i]) ? c.err[i] : 0;
            xMin = std::min(xMin, c.x[i]);
            xMax = std::max(xMax, c.x[i]);
            yMin = std::min(yMin, c.y[i] - e);
            yMax = std::max(yMax, c.y[i] + e);
        }
    }
    if (xMin > xMax) {
        xAxis->setRange(0, 5);
        yAxis->setRange(0, 1);
    } else {
        xAxis->setRange(xMin - 0.5, std::max(xMax, xMin + 1) + 0.5);
        const double pad = std::max(1e-3, (yMax - yMin) * 0.12);
        yAxis->setRange(std::min(0.0, yMin - pad), yMax + pad * 2.5); // room for the legend
    }
    replot(rpQueuedReplot);
}

QString StepChart::tooltipAt(const QPoint& pos) const
{
    const double x = std::round(xAxis->pixelToCoord(pos.x()));
    QStringList lines;
    for (const Curve& c : m_curves)
        for (int i = 0; i < c.x.size(); ++i)
            if (c.x[i] == x && !std::isnan(c.y[i]))
                lines << tr("%1: %2").arg(c.name, QString::number(c.y[i], 'g', 4));
    if (lines.isEmpty())
        return {};
    return tr("<b>step %1</b><br>").arg(x) + lines.join(QStringLiteral("<br>"));
}

} // namespace kw::ui
