#include "ui/charts/ScoresTable.h"

#include "ui/base/Format.h"

#include <QHeaderView>

using namespace Qt::StringLiterals;

namespace kw::ui {

ScoresTable::ScoresTable(QWidget* parent) : QTableWidget(0, ColumnCount, parent)
{
    setHorizontalHeaderLabels({tr("Group"), tr("Results"), tr("fast_0 (correct)"), tr("fast_1"), tr("fast_2"),
                               tr("geomean"), tr("vs compile: measured"), tr("fast_1"), tr("fast_2"),
                               tr("geomean")});
    const QString eager = tr("against eager PyTorch");
    const QString compile = tr("against the reference under torch.compile");
    for (int c : {Fast1Eager, Fast2Eager, GeomeanEager})
        horizontalHeaderItem(c)->setToolTip(eager);
    for (int c : {CompileMeasured, Fast1Compile, Fast2Compile, GeomeanCompile})
        horizontalHeaderItem(c)->setToolTip(compile);
    horizontalHeaderItem(Fast1Eager)
        ->setToolTip(
            tr("Share of the results that are correct and whose whole 95 % speedup interval is above 1× "
               "(timing not noisy; never a result flagged faster than light), %1")
                .arg(eager));
    horizontalHeaderItem(CompileMeasured)
        ->setToolTip(tr("Correct results with a speedup against the reference under torch.compile"));
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setAlternatingRowColors(true);
    setShowGrid(false);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(Group, QHeaderView::Stretch);
}

void ScoresTable::setGroups(const std::vector<ScoreGroup>& groups)
{
    setRowCount(static_cast<int>(groups.size()));
    const auto pct = [](const SpeedupScores& s, std::size_t i) {
        return s.results ? Format::percent(100 * s.fastShare(i)) : Format::dash();
    };
    for (int r = 0; r < rowCount(); ++r) {
        const ScoreGroup& g = groups[static_cast<std::size_t>(r)];
        const QStringList cells = {g.label,
                                   QString::number(g.eager.results),
                                   pct(g.eager, 0),
                                   pct(g.eager, 1),
                                   pct(g.eager, 2),
                                   Format::speedup(g.eager.geomeanSpeedup),
                                   QString::number(g.compile.measured),
                                   g.compile.measured ? pct(g.compile, 1) : Format::dash(),
                                   g.compile.measured ? pct(g.compile, 2) : Format::dash(),
                                   Format::speedup(g.compile.geomeanSpeedup)};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* cell = new QTableWidgetItem(cells[c]);
            cell->setTextAlignment(c == Group ? Qt::AlignLeft | Qt::AlignVCenter
                                              : Qt::AlignRight | Qt::AlignVCenter);
            setItem(r, c, cell);
        }
        if (g.eager.unverified[1] > 0)
            item(r, Fast1Eager)
                ->setToolTip(tr("%1 more faster than 1× by their point estimate but without an interval (not "
                                "counted)")
                                 .arg(g.eager.unverified[1]));
    }
}

} // namespace kw::ui
