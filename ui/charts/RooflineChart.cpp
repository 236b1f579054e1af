#include "ui/charts/RooflineChart.h"

#include "ui/base/Format.h"
#include "ui/base/Theme.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
void logAxis(QCPAxis* axis)
{
    axis->setScaleType(QCPAxis::stLogarithmic);
    auto log = QSharedPointer<QCPAxisTickerLog>::create();
    log->setLogBase(10);
    log->setSubTickCount(8);
    axis->setTicker(log);
    axis->setNumberFormat(u"eb"_s);
    axis->setNumberPrecision(0);
}
} // namespace

RooflineChart::RooflineChart(QWidget* parent) : ChartWidget(tr("Roofline"), parent)
{
    logAxis(xAxis);
    logAxis(yAxis);
    xAxis->setLabel(tr("arithmetic intensity (FLOP/byte, log)"));
    yAxis->setLabel(tr("achieved FLOP/s (log)"));
    axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        const auto k = static_cast<std::size_t>(i);
        m_filled[k] = addGraph();
        m_hollow[k] = addGraph();
        for (QCPGraph* g : {m_filled[k], m_hollow[k]}) {
            g->setLineStyle(QCPGraph::lsNone);
            g->setName(StatusStyle::label(StatusStyle::at(i)));
        }
    }
    legend->setVisible(true);
    QFont lf = font();
    lf.setPointSizeF(lf.pointSizeF() - 1);
    legend->setFont(lf);
    legend->setIconSize(10, 10);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    setEmptyMessage(tr("No evaluation in the filter has a speed-of-light estimate."));
    applyColors();
}

void RooflineChart::applyColors()
{
    ChartWidget::applyColors();
    const bool dark = Theme::isDark();
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        const auto k = static_cast<std::size_t>(i);
        const QColor c = StatusStyle::color(StatusStyle::at(i), dark);
        QColor fill = c;
        fill.setAlpha(170);
        m_filled[k]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, fill, 6));
        m_hollow[k]->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(c, 1.5), Qt::NoBrush, 7));
    }
    QColor roof = textColor();
    roof.setAlpha(170);
    for (std::size_t i = 0; i < m_roofs.size(); ++i)
        m_roofs[i]->setPen(QPen(roof, i == 0 ? 2.0 : 1.5, i <= 1 ? Qt::SolidLine : Qt::DashLine));
    for (QCPItemText* t : m_roofLabels)
        t->setColor(roof);
}

void RooflineChart::clearRoofs()
{
    for (QCPGraph* g : m_roofs)
        removeGraph(g);
    m_roofs.clear();
    for (QCPItemText* t : m_roofLabels)
        removeItem(t);
    m_roofLabels.clear();
}

void RooflineChart::setData(const RooflineSeries& s, std::shared_ptr<const std::vector<RooflinePoint>> points,
                            std::shared_ptr<const std::vector<QString>> problemNames,
                            const QString& deviceName)
{
    m_series = s;
    m_points = std::move(points);
    m_names = std::move(problemNames);
    clearRoofs();
    legend->clearItems();
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        const auto k = static_cast<std::size_t>(i);
        m_filled[k]->setData(s.x[k], s.y[k]);
        m_hollow[k]->setData(s.hollowX[k], s.hollowY[k]);
        if (!s.x[k].isEmpty())
            m_filled[k]->addToLegend();
        else if (!s.hollowX[k].isEmpty())
            m_hollow[k]->addToLegend();
    }
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() - 1);
    auto label = [&](double x, double y, const QString& text, Qt::Alignment align) {
        auto* t = new QCPItemText(this);
        t->position->setCoords(x, y);
        t->setPositionAlignment(align);
        t->setText(text);
        t->setFont(small);
        t->setClipToAxisRect(true);
        m_roofLabels.push_back(t);
    };
    if (!s.memoryX.isEmpty()) {
        QCPGraph* g = addGraph();
        g->setData(s.memoryX, s.memoryY);
        g->removeFromLegend();
        m_roofs.push_back(g);
        const double bw = s.memoryY[0] / s.memoryX[0];
        // Under the middle of the slope (log scale): the line rises away from the text, and the
        // elementwise points sit at its foot.
        const double x = std::sqrt(s.memoryX[0] * s.memoryX[1]);
        label(x * 1.2, bw * x / 1.4, tr("memory %1").arg(Format::si(bw, u"B/s"_s)),
              Qt::AlignLeft | Qt::AlignTop);
    }
    for (const auto& c : s.computeLines) {
        QCPGraph* g = addGraph();
        g->setData(c.x, c.y);
        g->removeFromLegend();
        m_roofs.push_back(g);
        label(c.x[1] / 1.15, c.peak * 1.08, u"%1 %2"_s.arg(c.precision, Format::si(c.peak, u"FLOP/s"_s)),
              Qt::AlignRight | Qt::AlignBottom);
    }
    if (m_roofs.empty() && s.plotted > 0)
        label(s.xMin * 1.3, s.yMax / 1.3, tr("no peaks known for this device: roofs not drawn"),
              Qt::AlignLeft | Qt::AlignTop);
    legend->setVisible(legend->itemCount() > 0);
    m_title->setText(deviceName.isEmpty() ? tr("Roofline") : tr("Roofline · %1").arg(deviceName));
    setEmptyMessage(s.plotted == 0 ? tr("No evaluation in the filter has a speed-of-light estimate.")
                                   : QString());
    applyColors();
    resetZoom();
}

void RooflineChart::resetZoom()
{
    xAxis->setRange(m_series.xMin, m_series.xMax);
    yAxis->setRange(m_series.yMin, m_series.yMax);
}

int RooflineChart::pointAt(const QPoint& pos) const
{
    if (!m_points)
        return -1;
    double best = 8.0 * 8.0;
    int found = -1;
    auto scan = [&](const QVector<double>& xs, const QVector<double>& ys, const std::vector<int>& idx) {
        for (qsizetype i = 0; i < xs.size(); ++i) {
            const double dx = xAxis->coordToPixel(xs[i]) - pos.x();
            const double dy = yAxis->coordToPixel(ys[i]) - pos.y();
            const double d = dx * dx + dy * dy;
            if (d < best) {
                best = d;
                found = idx[static_cast<std::size_t>(i)];
            }
        }
    };
    for (std::size_t k = 0; k < m_series.x.size(); ++k) {
        scan(m_series.x[k], m_series.y[k], m_series.index[k]);
        scan(m_series.hollowX[k], m_series.hollowY[k], m_series.hollowIndex[k]);
    }
    return found;
}

QString RooflineChart::tooltipFor(int i) const
{
    if (!m_points || i < 0 || i >= static_cast<int>(m_points->size()))
        return {};
    const RooflinePoint& p = (*m_points)[static_cast<std::size_t>(i)];
    const QString problem = m_names && p.problem < m_names->size() ? (*m_names)[p.problem] : QString();
    const double speedup = p.speedup;
    QString tip =
        tr("<b>%1</b><br>result #%2 · %3<br>speedup %4 · %5 of speed of light<br>"
           "%6 FLOP/byte · %7")
            .arg(problem.toHtmlEscaped())
            .arg(p.rowId)
            .arg(StatusStyle::label(static_cast<EvalStatus>(p.status)),
                 Format::speedup(std::isfinite(speedup) ? std::optional<double>(speedup) : std::nullopt),
                 Format::percent(p.solPercent), QString::number(p.intensity, 'g', 3),
                 Format::si(p.flopsPerS, u"FLOP/s"_s));
    if (p.estimated)
        tip += tr("<br><i>FLOPs estimated (one per element): the counter found none</i>");
    return tip;
}

QString RooflineChart::tooltipAt(const QPoint& pos) const
{
    return tooltipFor(pointAt(pos));
}

void RooflineChart::mousePressEvent(QMouseEvent* event)
{
    m_pressPos = event->pos();
    ChartWidget::mousePressEvent(event);
}

void RooflineChart::mouseReleaseEvent(QMouseEvent* event)
{
    ChartWidget::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || (event->pos() - m_pressPos).manhattanLength() > 4)
        return; // a drag (pan), not a click
    const int i = pointAt(event->pos());
    if (i >= 0)
        Q_EMIT resultClicked((*m_points)[static_cast<std::size_t>(i)].rowId);
}

} // namespace kw::ui
