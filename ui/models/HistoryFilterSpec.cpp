#include "ui/models/HistoryFilterSpec.h"

#include "ui/base/Format.h"
#include "ui/base/StatusStyle.h"

#include <QObject>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace kw::ui {

void HistoryFilterSpec::setStatus(EvalStatus s, bool on)
{
    const std::uint32_t bit = 1u << static_cast<int>(s);
    statusMask = on ? (statusMask | bit) : (statusMask & ~bit);
}

bool HistoryFilterSpec::isEmpty() const
{
    return text.trimmed().isEmpty() && statusMask == kAllStatuses && problem.isEmpty() && source.isEmpty() &&
           run.isEmpty() && range == TimeRange::Any && !hasSolRange();
}

bool HistoryFilterSpec::operator==(const HistoryFilterSpec& o) const
{
    // NaN (an open bound) equals NaN here.
    const auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
    return text == o.text && statusMask == o.statusMask && problem == o.problem && source == o.source &&
           run == o.run && range == o.range && customFrom == o.customFrom && customTo == o.customTo &&
           same(solMin, o.solMin) && same(solMax, o.solMax);
}

QString HistoryFilterSpec::solLabel() const
{
    if (!hasSolRange())
        return QObject::tr("any % SOL");
    if (std::isnan(solMax))
        return QObject::tr("≥ %1 % SOL").arg(solMin);
    if (std::isnan(solMin))
        return QObject::tr("≤ %1 % SOL").arg(solMax);
    return QObject::tr("%1–%2 % SOL").arg(solMin).arg(solMax);
}

void HistoryFilterSpec::window(double now, double& from, double& to) const
{
    from = 0;
    to = 0;
    switch (range) {
    case TimeRange::Any:
        break;
    case TimeRange::LastHour:
        from = now - 3600;
        break;
    case TimeRange::Last24Hours:
        from = now - 86400;
        break;
    case TimeRange::Last7Days:
        from = now - 7 * 86400;
        break;
    case TimeRange::Last30Days:
        from = now - 30 * 86400;
        break;
    case TimeRange::Custom:
        from = customFrom;
        to = customTo;
        break;
    }
}

QString HistoryFilterSpec::rangeLabel(TimeRange r)
{
    switch (r) {
    case TimeRange::Any:
        return QObject::tr("Any time");
    case TimeRange::LastHour:
        return QObject::tr("Last hour");
    case TimeRange::Last24Hours:
        return QObject::tr("Last 24 hours");
    case TimeRange::Last7Days:
        return QObject::tr("Last 7 days");
    case TimeRange::Last30Days:
        return QObject::tr("Last 30 days");
    case TimeRange::Custom:
        return QObject::tr("Custom range");
    }
    return {};
}

QString HistoryFilterSpec::describe() const
{
    QStringList parts;
    if (!text.trimmed().isEmpty())
        parts << QObject::tr("“%1”").arg(text.trimmed());
    if (statusMask != kAllStatuses) {
        QStringList st;
        for (int i = 0; i < StatusStyle::kCount; ++i)
            if (acceptsStatus(StatusStyle::at(i)))
                st << StatusStyle::label(StatusStyle::at(i));
        parts << QObject::tr("status: %1").arg(st.isEmpty() ? QObject::tr("none") : st.join(u", "_s));
    }
    if (!problem.isEmpty())
        parts << QObject::tr("problem: %1").arg(problem);
    if (!source.isEmpty())
        parts << QObject::tr("source: %1").arg(source);
    if (!run.isEmpty())
        parts << QObject::tr("run: %1").arg(run);
    if (hasSolRange())
        parts << solLabel();
    if (range == TimeRange::Custom)
        parts << QObject::tr("%1 to %2")
                     .arg(customFrom > 0 ? Format::dateTime(customFrom) : QObject::tr("start"),
                          customTo > 0 ? Format::dateTime(customTo) : QObject::tr("now"));
    else if (range != TimeRange::Any)
        parts << rangeLabel(range).toLower();
    return parts.isEmpty() ? QObject::tr("no filter") : parts.join(u" · "_s);
}

} // namespace kw::ui
