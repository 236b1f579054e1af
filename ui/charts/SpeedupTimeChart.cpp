#include "ui/charts/SpeedupTimeChart.h"

#include "ui/base/Format.h"
#include "ui/base/Theme.h"
#include "ui/charts/TimeAxisTicker.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

SpeedupTimeChart::SpeedupTimeChart(QWidget* parent)
    : ChartWidget(tr("Speedup over time"), parent), m_one(new QCPItemStraightLine(this))
{
    yAxis->setScaleType(QCPAxis::stLogarithmic);
    auto log = QSharedPointer<QCPAxisTickerLog>::create();
    log->setLogBase(10);
    log->setSubTickCount(8);
    yAxis->setTicker(log);
    yAxis->setNumberFormat(u"gb"_s);
    yAxis->setNumberPrecision(3);
    yAxis->setLabel(tr("speedup (×, log)"));
    xAxis->setTicker(QSharedPointer<TimeAxisTicker>::create());
    axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        QCPGraph* g = addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        g->setName(StatusStyle::label(StatusStyle::at(i)));
        g->setAdaptiveSampling(true);
        m_graphs[static_cast<std::size_t>(i)] = g;
    }
    m_one->point1->setCoords(0, 1);
    m_one->point2->setCoords(1, 1);
    legend->setVisible(true);
    QFont lf = font();
    lf.setPointSizeF(lf.pointSizeF() - 1);
    legend->setFont(lf);
    legend->setIconSize(10, 10);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    applyColors();
}

void SpeedupTimeChart::applyColors()
{
    ChartWidget::applyColors();
    const bool dark = Theme::isDark();
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        QColor c = StatusStyle::color(StatusStyle::at(i), dark);
        QColor fill = c;
        fill.setAlpha(150);
        m_graphs[static_cast<std::size_t>(i)]->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDisc, c, fill, 5));
    }
    QColor line = textColor();
    line.setAlpha(110);
    m_one->setPen(QPen(line, 1, Qt::DashLine));
}

void SpeedupTimeChart::setSeries(const ChartSeries& s, std::shared_ptr<const std::vector<ChartPoint>> points,
                                 std::shared_ptr<const std::vector<QString>> names)
{
    m_points = std::move(points);
    m_names = std::move(names);
    legend->clearItems();
    double lo = 1e300, hi = 0;
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        const auto k = static_cast<std::size_t>(i);
        QCPGraph* g = m_graphs[k];
        g->setData(s.scatterTime[k], s.scatterSpeedup[k], true);
        m_index[k] = s.scatterIndex[k];
        if (!s.scatterTime[k].isEmpty())
            g->addToLegend();
        for (double v : s.scatterSpeedup[k]) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    legend->setVisible(legend->itemCount() > 0);
    // At least a minute wide, centred on the points (a few seconds of results, or one result).
    const double widen = std::max(0.0, 60 - (s.tMax - s.tMin)) / 2;
    m_tMin = s.tMin - widen;
    m_tMax = s.tMax + widen;
    m_yMin = hi > 0 ? std::min(lo / 1.4, 0.8) : 0.1;
    m_yMax = hi > 0 ? std::max(hi * 1.4, 1.25) : 10;
    setEmptyMessage(s.withSpeedup == 0 ? (s.total == 0 ? s.nothingText()
                                                       : tr("No evaluation in the filter has a speedup yet."))
                                       : QString());
    resetZoom();
}

void SpeedupTimeChart::resetZoom()
{
    const double pad = (m_tMax - m_tMin) * 0.02;
    xAxis->setRange(m_tMin - pad, m_tMax + pad);
    yAxis->setRange(m_yMin, m_yMax);
}

QString SpeedupTimeChart::tooltipAt(const QPoint& pos) const
{
    if (!m_points)
        return {};
    double bestDist = 8.0;
    int bestStatus = -1, bestIndex = -1;
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        QCPGraph* g = m_graphs[static_cast<std::size_t>(i)];
        if (g->dataCount() == 0)
            continue;
        QVariant details;
        const double d = g->selectTest(pos, false, &details);
        if (d >= 0 && d < bestDist) {
            const auto sel = details.value<QCPDataSelection>();
            if (!sel.isEmpty()) {
                bestDist = d;
                bestStatus = i;
                bestIndex = sel.dataRange().begin();
            }
        }
    }
    if (bestStatus < 0)
        return {};
    const auto& idx = m_index[static_cast<std::size_t>(bestStatus)];
    if (bestIndex < 0 || bestIndex >= static_cast<int>(idx.size()))
        return {};
    const ChartPoint& p = (*m_points)[static_cast<std::size_t>(idx[static_cast<std::size_t>(bestIndex)])];
    const QString problem = m_names && p.problem < m_names->size() ? (*m_names)[p.problem] : QString();
    return tr("<b>%1</b><br>%2 · %3<br>%4")
        .arg(problem.toHtmlEscaped(), Format::speedup(static_cast<double>(p.speedup)),
             StatusStyle::label(StatusStyle::at(bestStatus)), Format::dateTime(p.time));
}

} // namespace kw::ui
