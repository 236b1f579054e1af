#include "ui/charts/RatesChart.h"

#include "ui/base/Format.h"
#include "ui/base/Theme.h"
#include "ui/charts/TimeAxisTicker.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

RatesChart::RatesChart(QWidget* parent)
    : ChartWidget(tr("Compile and correct rate over time"), parent), m_compile(nullptr), m_correct(nullptr),
      m_counts(new QCPBars(xAxis, yAxis2))
{
    yAxis2->setVisible(true);
    yAxis2->setLabel(tr("results per bucket"));
    auto counts = QSharedPointer<QCPAxisTickerFixed>::create(); // whole results, never 0.25 of one
    counts->setTickStep(1);
    counts->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    yAxis2->setTicker(counts);
    yAxis->setLabel(tr("% of results"));
    yAxis->setRange(0, 105);
    xAxis->setTicker(QSharedPointer<TimeAxisTicker>::create());
    m_counts->setWidthType(QCPBars::wtPlotCoords);
    m_counts->setName(tr("results"));
    m_compile = addGraph();
    m_compile->setName(tr("compiled"));
    m_correct = addGraph();
    m_correct->setName(tr("correct"));
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    legend->setVisible(true);
    QFont lf = font();
    lf.setPointSizeF(lf.pointSizeF() - 1);
    legend->setFont(lf);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    applyColors();
}

void RatesChart::applyColors()
{
    ChartWidget::applyColors();
    const bool dark = Theme::isDark();
    const QColor blue = dark ? QColor(0x6c, 0xb0, 0xff) : QColor(0x2f, 0x6f, 0xd6);
    const QColor green = StatusStyle::color(EvalStatus::Correct, dark);
    m_compile->setPen(QPen(blue, 2));
    m_compile->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, blue, blue, 4));
    m_correct->setPen(QPen(green, 2));
    m_correct->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, green, green, 4));
    QColor bar = textColor();
    bar.setAlpha(dark ? 40 : 28);
    m_counts->setBrush(bar);
    m_counts->setPen(Qt::NoPen);
}

void RatesChart::setSeries(const ChartSeries& s)
{
    m_series = s;
    m_compile->setData(s.rateTime, s.compileRate, true);
    m_correct->setData(s.rateTime, s.correctRate, true);
    m_counts->setData(s.rateTime, s.rateCount, true);
    m_counts->setWidth(s.bucketSeconds * 0.85);
    setEmptyMessage(s.rateTime.isEmpty() ? (s.total == 0 ? s.nothingText()
                                                         : tr("Only infrastructure errors here: they are not "
                                                              "counted in the rates."))
                                         : QString());
    resetZoom();
}

void RatesChart::resetZoom()
{
    const double pad = m_series.bucketSeconds;
    xAxis->setRange(m_series.tMin - pad, std::max(m_series.tMax, m_series.tMin + 60) + pad);
    yAxis->setRange(0, 105);
    double maxCount = 1;
    for (double c : m_series.rateCount)
        maxCount = std::max(maxCount, c);
    yAxis2->setRange(0, maxCount * 1.8);
}

QString RatesChart::tooltipAt(const QPoint& pos) const
{
    const double x = xAxis->pixelToCoord(pos.x());
    const auto& t = m_series.rateTime;
    for (int i = 0; i < t.size(); ++i) {
        if (std::abs(t[i] - x) <= m_series.bucketSeconds / 2) {
            return tr("%1 – %2<br><b>%3</b> results · compiled %4% · correct %5%")
                .arg(Format::dateTime(t[i] - m_series.bucketSeconds / 2),
                     Format::shortTime(t[i] + m_series.bucketSeconds / 2))
                .arg(m_series.rateCount[i])
                .arg(m_series.compileRate[i], 0, 'f', 0)
                .arg(m_series.correctRate[i], 0, 'f', 0);
        }
    }
    return {};
}

} // namespace kw::ui
