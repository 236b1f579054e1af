#include "ui/charts/TimeAxisTicker.h"

using namespace Qt::StringLiterals;

namespace kw::ui {

QString TimeAxisTicker::formatFor(double tickStepSeconds)
{
    if (tickStepSeconds < 60)
        return u"HH:mm:ss"_s;
    if (tickStepSeconds < 86400)
        return u"MMM d\nHH:mm"_s;
    return u"MMM d\nyyyy"_s;
}

double TimeAxisTicker::getTickStep(const QCPRange& range)
{
    // The format follows the step, so two ticks never read the same; "15:17:20" is wider than
    // "15:17", so steps under a minute come fewer.
    setTickCount(6);
    double step = QCPAxisTickerDateTime::getTickStep(range);
    if (step < 60) {
        setTickCount(3);
        step = QCPAxisTickerDateTime::getTickStep(range);
    }
    setDateTimeFormat(formatFor(step));
    return step;
}

} // namespace kw::ui
