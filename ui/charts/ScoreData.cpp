#include "charts/ScoreData.h"

#include "app/Format.h"
#include "models/CompactRow.h"

#include <QObject>

#include <cmath>
#include <map>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
struct Accumulator
{
    SpeedupScores s;
    double logSum = 0;

    void add(const ChartPoint& p, Baseline b, float speedup)
    {
        ++s.results;
        if (static_cast<EvalStatus>(p.status) != EvalStatus::Correct)
            return;
        ++s.correct;
        ++s.fast[0]; // fast_0: correct
        CompactRow row;
        row.wins = p.wins;
        for (int i = 0; i < CompactRow::kThresholdCount; ++i) {
            const auto k = static_cast<std::size_t>(i + 1);
            switch (row.verdict(b, i)) {
            case WinVerdict::Win:
                ++s.fast[k];
                break;
            case WinVerdict::Unknown:
                if (std::isfinite(speedup) && speedup > SpeedupScores::kThresholds[k])
                    ++s.unverified[k];
                break;
            case WinVerdict::NotAWin:
                break;
            }
        }
        if (std::isfinite(speedup) && speedup > 0) {
            logSum += std::log(double(speedup));
            ++s.geomeanOf;
        }
    }
    SpeedupScores done()
    {
        if (s.geomeanOf > 0)
            s.geomeanSpeedup = std::exp(logSum / double(s.geomeanOf));
        return s;
    }
};

struct GroupAccumulator
{
    Accumulator eager, compile;
    std::size_t compileMeasured = 0;

    void add(const ChartPoint& p)
    {
        eager.add(p, Baseline::Eager, p.eagerSpeedup);
        compile.add(p, Baseline::Compile, p.compileSpeedup);
        if (std::isfinite(p.compileSpeedup))
            ++compileMeasured;
    }
    ScoreGroup done(const QString& label, double key)
    {
        return {label, key, eager.done(), compile.done(), compileMeasured};
    }
};
} // namespace

ScoreGroup ScoreData::score(const std::vector<ChartPoint>& points, const QString& label)
{
    GroupAccumulator a;
    for (const ChartPoint& p : points)
        a.add(p);
    return a.done(label, 0);
}

std::vector<ScoreGroup> ScoreData::grouped(const std::vector<ChartPoint>& points,
                                           const std::function<double(const ChartPoint&)>& key,
                                           const std::function<QString(double)>& label)
{
    std::map<double, GroupAccumulator> groups;
    for (const ChartPoint& p : points) {
        const double k = key(p);
        if (!std::isnan(k))
            groups[k].add(p);
    }
    std::vector<ScoreGroup> out;
    out.reserve(groups.size());
    for (auto& [k, a] : groups)
        out.push_back(a.done(label(k), k));
    return out;
}

QString ScoreData::describe(const SpeedupScores& s)
{
    if (s.results == 0)
        return Format::dash();
    QStringList parts;
    for (std::size_t i = 0; i < SpeedupScores::kThresholds.size(); ++i)
        parts << u"fast_%1 %2"_s.arg(int(SpeedupScores::kThresholds[i]))
                     .arg(Format::percent(100 * s.fastShare(i)));
    parts << QObject::tr("geomean %1").arg(Format::speedup(s.geomeanSpeedup));
    return parts.join(u" · "_s);
}

} // namespace kw::ui
