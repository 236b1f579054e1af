#include "ui/charts/ScoreData.h"

#include "core/model/ScoreCounter.h"
#include "ui/base/Format.h"
#include "ui/models/CompactRow.h"

#include <QObject>

#include <cmath>
#include <map>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
// A chart point as core scores it: its verdicts as kept (CompactRow's bits), NaN as no speedup.
// ChartPoint has no faster_than_light bit, so such a result counts in the geometric mean here.
JudgedResult judged(const ChartPoint& p, Baseline b, float speedup)
{
    JudgedResult j;
    j.counted = p.counted;
    j.status = static_cast<EvalStatus>(p.status);
    if (!std::isnan(speedup))
        j.speedup = double(speedup);
    CompactRow row;
    row.wins = p.wins;
    for (int i = 0; i < CompactRow::kThresholdCount; ++i)
        j.verdicts[static_cast<std::size_t>(i)] = row.verdict(b, i);
    return j;
}

struct GroupAccumulator
{
    ScoreCounter eager{Baseline::Eager}, compile{Baseline::Compile};

    void add(const ChartPoint& p)
    {
        eager.add(judged(p, Baseline::Eager, p.eagerSpeedup));
        compile.add(judged(p, Baseline::Compile, p.compileSpeedup));
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
