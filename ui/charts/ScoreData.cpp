#include "ui/charts/ScoreData.h"

#include "ui/base/Format.h"
#include "ui/models/CompactRow.h"

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

    explicit Accumulator(Baseline b) { s.baseline = b; }
    void add(const ChartPoint& p, float speedup)
    {
        ++s.results;
        if (static_cast<EvalStatus>(p.status) != EvalStatus::Correct)
            return;
        ++s.correct;
        ++s.fast[0]; // fast_0: correct
        if (std::isfinite(speedup))
            ++s.measured;
        CompactRow row;
        row.wins = p.wins;
        for (int i = 0; i < CompactRow::kThresholdCount; ++i) {
            const auto k = static_cast<std::size_t>(i + 1);
            switch (row.verdict(s.baseline, i)) {
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
    Accumulator eager{Baseline::Eager}, compile{Baseline::Compile};

    void add(const ChartPoint& p)
    {
        eager.add(p, p.eagerSpeedup);
        compile.add(p, p.compileSpeedup);
    }
    ScoreGroup done(const QString& label, double key) { return {label, key, eager.done(), compile.done()}; }
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
