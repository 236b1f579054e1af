#include "ui/training/StepChart.h"

#include <QResizeEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kw::ui {

StepChart::StepChart(const QString& title, const QString& yLabel, QWidget* parent)
    : ChartWidget(title, parent)
{
    xAxis->setLabel(tr("step"));
    yAxis->setLabel(yLabel);
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    xAxis->setTicker(ticker);
    axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    axisRect()->setRangeZoom(Qt::Horizontal);
    // The legend sits below the axis rect, in as many columns as fit, so it never hides a curve.
    legend->setVisible(true);
    QFont lf = font();
    if (lf.pointSizeF() > 0)
        lf.setPointSizeF(std::max(7.0, lf.pointSizeF() - 1.5));
    legend->setFont(lf);
    legend->setIconSize(26, 9);
    legend->setIconTextPadding(4);
    legend->setColumnSpacing(12);
    legend->setRowSpacing(1);
    legend->setMargins(QMargins(4, 0, 4, 2));
    if (axisRect()->insetLayout()->take(legend))
        axisRect()->insetLayout()->simplify();
    placeLegend(false);
    legend->setBrush(Qt::NoBrush);
    legend->setBorderPen(Qt::NoPen);
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
    placeLegend(any);
    arrangeLegend();
    resetZoom();
}

void StepChart::setValueRange(double lo, double hi)
{
    m_valueRange = std::pair{lo, hi};
    resetZoom();
}

void StepChart::applyColors()
{
    ChartWidget::applyColors();
    legend->setBrush(Qt::NoBrush); // outside the axis rect: on the chart's own background
    legend->setBorderPen(Qt::NoPen);
}

void StepChart::resizeEvent(QResizeEvent* event)
{
    const bool changed = event->size().width() != event->oldSize().width();
    ChartWidget::resizeEvent(event);
    if (changed)
        arrangeLegend();
}

void StepChart::placeLegend(bool shown)
{
    legend->setVisible(shown);
    const bool placed = legend->layout() == plotLayout();
    if (shown && !placed) {
        plotLayout()->addElement(plotLayout()->rowCount(), 0, legend);
        plotLayout()->setRowStretchFactor(plotLayout()->rowCount() - 1, 0.001);
    } else if (!shown && placed) {
        plotLayout()->take(legend);
        plotLayout()->simplify();
    }
}

void StepChart::arrangeLegend()
{
    const int n = legend->itemCount();
    if (n == 0)
        return;
    int itemWidth = 1;
    for (int i = 0; i < n; ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            itemWidth = std::max(itemWidth, item->minimumOuterSizeHint().width());
    const QMargins m = legend->margins();
    const int avail = width() - m.left() - m.right() - 8;
    const int maxCols =
        std::clamp((avail + legend->columnSpacing()) / (itemWidth + legend->columnSpacing()), 1, n);
    // Curves of one run come together in one colour: keep a run's curves in one row, or in one
    // column when a row cannot hold them.
    int group = 1;
    while (group < int(m_curves.size()) && m_curves[group].color == m_curves[0].color)
        ++group;
    if (group > 1 && n % group == 0 && n == int(m_curves.size())) {
        const int runs = n / group;
        if (maxCols >= group) {
            legend->setWrap(group * std::min(runs, maxCols / group));
            legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
        } else {
            legend->setWrap(group * ((runs + maxCols - 1) / maxCols));
            legend->setFillOrder(QCPLayoutGrid::foRowsFirst, true);
        }
    } else {
        legend->setWrap(maxCols);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    }
    replot(rpQueuedReplot);
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
        if (m_valueRange)
            yAxis->setRange(m_valueRange->first, m_valueRange->second);
        else
            yAxis->setRange(0, 1);
    } else {
        xAxis->setRange(xMin - 0.5, std::max(xMax, xMin + 1) + 0.5);
        const double pad = std::max(1e-3, (yMax - yMin) * 0.08);
        if (m_valueRange)
            yAxis->setRange(std::min(m_valueRange->first, yMin), std::max(m_valueRange->second, yMax));
        else
            yAxis->setRange(std::min(0.0, yMin - pad), yMax + pad);
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
