#pragma once

#include <QString>

#include <optional>

namespace kw::ui {

// Number and time formatting shared by tables, cards and charts.
class Format
{
public:
    static QString speedup(std::optional<double> s);       // "1.84×", "—"
    static QString milliseconds(std::optional<double> ms); // "0.412 ms", "12.3 ms", "1.20 s"
    static QString seconds(double s);                      // "0.4 s", "12 s", "3 min 5 s"
    static QString cost(std::optional<double> usd);        // "$0.0123", "—"
    static QString dateTime(double unixSeconds);           // "2026-11-24 17:22:05"
    static QString shortTime(double unixSeconds);          // "17:22:05" today, else "Nov 24 17:22"
    static QString bytes(double bytes);                    // "79.6 GiB"
    static QString si(double value, const QString& unit);  // "51.6 TFLOP/s", "3.35 TB/s", "268 MB"
    static QString percent(std::optional<double> p);       // "34.5 %", "3.1 %", "0.42 %", "—"
    static QString dash() { return QStringLiteral("—"); }
    static QString sentence(const QString& clause); // "the x spread" → "The x spread."
    // "1 app", "3 apps" (no translator is loaded, so tr()'s %n would leave "app(s)").
    static QString count(qint64 n, const QString& one, const QString& many);
};

} // namespace kw::ui
