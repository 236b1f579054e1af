#include "ui/base/Format.h"

#include <QDateTime>
#include <QLocale>

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

QString Format::speedup(std::optional<double> s)
{
    if (!s || !std::isfinite(*s))
        return dash();
    const double v = *s;
    const int prec = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return QString::number(v, 'f', prec) + u"×"_s;
}

QString Format::milliseconds(std::optional<double> ms)
{
    if (!ms || !std::isfinite(*ms))
        return dash();
    const double v = *ms;
    if (v >= 1000)
        return QString::number(v / 1000.0, 'f', 2) + u" s"_s;
    if (v >= 100)
        return QString::number(v, 'f', 1) + u" ms"_s;
    if (v >= 1)
        return QString::number(v, 'f', 2) + u" ms"_s;
    if (v >= 0.01)
        return QString::number(v, 'f', 3) + u" ms"_s;
    return QString::number(v * 1000.0, 'f', 1) + u" µs"_s;
}

QString Format::seconds(double s)
{
    if (!std::isfinite(s) || s < 0)
        return dash();
    if (s < 10)
        return QString::number(s, 'f', 1) + u" s"_s;
    if (s < 60)
        return QString::number(std::lround(s)) + u" s"_s;
    const long total = std::lround(s);
    const QString minutes = QString::number((total % 3600) / 60) + u" min"_s;
    if (total < 3600)
        return total % 60 == 0 ? minutes : minutes + u" "_s + QString::number(total % 60) + u" s"_s;
    if ((total % 3600) / 60 == 0)
        return QString::number(total / 3600) + u" h"_s;
    return QString::number(total / 3600) + u" h "_s + minutes;
}

QString Format::cost(std::optional<double> usd)
{
    if (!usd || !std::isfinite(*usd))
        return dash();
    const double v = *usd;
    if (v == 0)
        return u"$0"_s;
    if (v < 0.01)
        return u"$"_s + QString::number(v, 'f', 4);
    return u"$"_s + QString::number(v, 'f', 2);
}

QString Format::dateTime(double unixSeconds)
{
    if (unixSeconds <= 0)
        return dash();
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixSeconds * 1000.0))
        .toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

QString Format::shortTime(double unixSeconds)
{
    if (unixSeconds <= 0)
        return dash();
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixSeconds * 1000.0));
    if (t.date() == QDate::currentDate())
        return t.toString(u"HH:mm:ss"_s);
    return QLocale::c().toString(t, u"MMM d HH:mm"_s);
}

QString Format::bytes(double bytes)
{
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        ++u;
    }
    return QString::number(bytes, 'f', u == 0 ? 0 : 1) + u' ' + QLatin1String(units[u]);
}

QString Format::si(double value, const QString& unit)
{
    static const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
    int p = 0;
    while (std::abs(value) >= 1000 && p < 6) {
        value /= 1000;
        ++p;
    }
    const int decimals = std::abs(value) >= 100 ? 0 : (std::abs(value) >= 10 ? 1 : 2);
    return QString::number(value, 'f', decimals) + u' ' + QLatin1String(prefixes[p]) + unit;
}

QString Format::percent(std::optional<double> p)
{
    if (!p || !std::isfinite(*p))
        return dash();
    if (*p == 0)
        return QStringLiteral("0 %");
    return QString::number(*p, 'f', std::abs(*p) >= 1 ? 1 : 2) + QStringLiteral(" %");
}

QString Format::count(qint64 n, const QString& one, const QString& many)
{
    return QLocale().toString(n) + u' ' + (n == 1 ? one : many);
}

QString Format::sentence(const QString& clause)
{
    QString s = clause.trimmed();
    if (s.isEmpty())
        return s;
    s[0] = s[0].toUpper();
    if (!s.endsWith(u'.') && !s.endsWith(u'!') && !s.endsWith(u'?'))
        s += u'.';
    return s;
}

} // namespace kw::ui
