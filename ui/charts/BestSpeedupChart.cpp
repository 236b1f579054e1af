#include "ui/charts/BestSpeedupChart.h"

#include "ui/base/Format.h"
#include "ui/base/Theme.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

BestSpeedupChart::BestSpeedupChart(QWidget* parent)
    : ChartWidget(tr("Best speedup per problem"), parent), m_bars(new QCPBars(yAxis, xAxis)),
      m_one(new QCPItemStraightLine(this))
{
    m_bars->setWidth(0.7);
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    xAxis->setLabel(tr("best significant speedup (×)"));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() - 1);
    yAxis->setTickLabelFont(small);
    yAxis->grid()->setVisible(false);
    axisRect()->setRangeDrag(Qt::Vertical);
    axisRect()->setRangeZoom(Qt::Vertical);
    m_one->point1->setCoords(1, 0);
    m_one->point2->setCoords(1, 1);
    applyColors();
}

void BestSpeedupChart::applyColors()
{
    ChartWidget::applyColors();
    const bool dark = Theme::isDark();
    QColor g = StatusStyle::color(EvalStatus::Correct, dark);
    m_bars->setPen(QPen(g));
    g.setAlpha(180);
    m_bars->setBrush(g);
    QColor line = textColor();
    line.setAlpha(110);
    m_one->setPen(QPen(line, 1, Qt::DashLine));
}

void BestSpeedupChart::setSeries(const ChartSeries& s)
{
    m_names = s.bestNames;
    m_values = s.bestSpeedup;
    m_problems = s.problemsWithCorrect;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    QVector<double> keys;
    const int n = static_cast<int>(m_names.size());
    for (int i = 0; i < n; ++i) {
        const double key = n - i; // best on top
        QString label = m_names[i];
        if (label.size() > 34)
            label = label.left(32) + u"…"_s;
        ticker->addTick(key, label);
        keys.push_back(key);
    }
    yAxis->setTicker(ticker);
    // Only significant wins are bars (a win's interval is above 1×, so every bar ends past 1×).
    m_bars->setData(keys, m_values, true);
    m_title->setText(titleFor(n, m_problems, s.problemsWithoutWin));
    setEmptyMessage(n > 0 ? QString()
                    : s.problemsWithoutWin > 0
                        ? (s.problemsWithoutWin == 1
                               ? tr("No significant win yet: 1 problem has correct results, but no "
                                    "speedup with its whole 95 % interval above 1×.")
                               : tr("No significant win yet: %1 problems have correct results, none "
                                    "with its whole 95 % interval above 1×.")
                                     .arg(s.problemsWithoutWin))
                        : tr("No problem has a correct result with a speedup yet."));
    resetZoom();
}

QString BestSpeedupChart::titleFor(int shown, int withWin, int withoutWin)
{
    QString t = withWin > shown ? tr("Best speedup per problem (top %1 of %2)").arg(shown).arg(withWin)
                                : tr("Best speedup per problem");
    // A problem solved without a significant win has no bar: say how many, so the chart's problems
    // add up to the correct ones.
    if (withoutWin > 0 && shown > 0)
        t += tr(" · %1 more without a significant win").arg(withoutWin);
    return t;
}

void BestSpeedupChart::resetZoom()
{
    double hi = 1.5;
    for (double v : m_values)
        hi = std::max(hi, v);
    xAxis->setRange(0, hi * 1.08);
    yAxis->setRange(0.4, std::max<double>(static_cast<double>(m_names.size()), 1) + 0.6);
}

QString BestSpeedupChart::tooltipAt(const QPoint& pos) const
{
    const double key = yAxis->pixelToCoord(pos.y());
    const double val = xAxis->pixelToCoord(pos.x());
    const int n = static_cast<int>(m_names.size());
    const int i = n - static_cast<int>(std::lround(key));
    if (i < 0 || i >= n || std::abs(key - std::lround(key)) > 0.35 || val < 0 ||
        val > m_values[i] * 1.05 + 0.05)
        return {};
    return tr("<b>%1</b><br>best significant speedup %2 (whole 95 % interval above 1×)")
        .arg(m_names[i].toHtmlEscaped(), Format::speedup(m_values[i]));
}

} // namespace kw::ui
