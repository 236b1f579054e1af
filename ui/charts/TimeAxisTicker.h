#pragma once

#include "ui/charts/QCustomPlotInclude.h"

namespace kw::ui {

// Date-time ticks whose labels follow the tick step: seconds when ticks are under a minute apart
// (so they do not all read "Dec 7 15:17"), date and minutes up to a day apart, the date and year
// beyond. The range changes with zoom, so the format is picked each time ticks are made.
class TimeAxisTicker : public QCPAxisTickerDateTime
{
public:
    static QString formatFor(double tickStepSeconds);

protected:
    double getTickStep(const QCPRange& range) override;
};

} // namespace kw::ui
