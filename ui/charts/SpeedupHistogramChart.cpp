#include "ui/charts/SpeedupHistogramChart.h"

#include "ui/base/Format.h"
#include "ui/base/Theme.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

SpeedupHistogramChart::SpeedupHistogramChart(QWidget* parent)
    : ChartWidget(tr("Speedup distribution (correct results)"), parent), m_bars(new QCPBars(xAxis, yAxis)),
      m_one(new QCPItemStraightLine(this))
{
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(-2, u"0.01×"_s);
    ticker->addTick(-1, u"0.1×"_s);
    ticker->addTick(0, u"1×"_s);
    ticker->addTick(1, u"10×"_s);
    ticker->addTick(2, u"100×"_s);
    ticker->setSubTickCount(8);
    xAxis->setTicker(ticker);
    xAxis->setLabel(tr("speedup"));
    yAxis->setLabel(tr("results"));
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    m_one->point1->setCoords(0, 0);
    m_one->point2->setCoords(0, 1);
    applyColors();
}

void SpeedupHistogramChart::applyColors()
{
    ChartWidget::applyColors();
    QColor c = StatusStyle::color(EvalStatus::Correct, Theme::isDark());
    m_bars->setPen(QPen(c.darker(Theme::isDark() ? 100 : 115)));
    c.setAlpha(170);
    m_bars->setBrush(c);
    QColor line = textColor();
    line.setAlpha(110);
    m_one->setPen(QPen(line, 1, Qt::DashLine));
}

void SpeedupHistogramChart::setSeries(const ChartSeries& s)
{
    m_binWidth = s.histBinWidth;
    m_bars->setWidth(s.histBinWidth * 0.92);
    m_bars->setData(s.histLog10, s.histCount, true);
    m_maxCount = 1;
    double total = 0;
    for (double c : s.histCount) {
        m_maxCount = std::max(m_maxCount, c);
        total += c;
    }
    setEmptyMessage(total > 0      ? QString()
                    : s.total == 0 ? s.nothingText()
                                   : tr("No correct result with a speedup in the filter."));
    resetZoom();
}

void SpeedupHistogramChart::resetZoom()
{
    xAxis->setRange(-2.05, 2.05);
    yAxis->setRange(0, m_maxCount * 1.12);
}

QString SpeedupHistogramChart::tooltipAt(const QPoint& pos) const
{
    const double x = xAxis->pixelToCoord(pos.x());
    const double y = yAxis->pixelToCoord(pos.y());
    for (auto it = m_bars->data()->constBegin(); it != m_bars->data()->constEnd(); ++it) {
        if (std::abs(it->key - x) <= m_binWidth / 2 && y >= 0 &&
            y <= std::max(it->value, m_maxCount * 0.04)) {
            if (it->value <= 0)
                return {};
            const double lo = std::pow(10.0, it->key - m_binWidth / 2),
                         hi = std::pow(10.0, it->key + m_binWidth / 2);
            return tr("%1 – %2: <b>%3</b> results")
                .arg(Format::speedup(lo), Format::speedup(hi))
                .arg(it->value);
        }
    }
    return {};
}

} // namespace kw::ui
