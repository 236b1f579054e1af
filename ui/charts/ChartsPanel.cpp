#include "ui/charts/ChartsPanel.h"

#include "ui/base/Format.h"
#include "ui/base/QtStd.h"
#include "ui/charts/BestSpeedupChart.h"
#include "ui/charts/RatesChart.h"
#include "ui/charts/RooflineChart.h"
#include "ui/charts/ScoresTable.h"
#include "ui/charts/SpeedupHistogramChart.h"
#include "ui/charts/SpeedupTimeChart.h"
#include "ui/evaluations/FilterBar.h"
#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"
#include "ui/services/AppContext.h"

#include "core/model/HistoryStore.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

#include <cmath>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace kw::ui {

PanelInfo ChartsPanel::info()
{
    return {u"charts"_s, tr("Charts"), u"charts"_s,
            tr("Speedups, rates, roofline and fast_p scores of the filtered evaluations")};
}

ChartsPanel::ChartsPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_filterBar(new FilterBar(ctx.filtered(), this)), m_summary(new QLabel(this)),
      m_scoresLabel(new QLabel(this)), m_baseline(new QComboBox(this)), m_groupBy(new QComboBox(this)),
      m_tabs(new QTabWidget(this)), m_grid(new QWidget(this)), m_roofline(new RooflinePage(this)),
      m_scoresTable(new ScoresTable(this)), m_time(new SpeedupTimeChart(m_grid)),
      m_hist(new SpeedupHistogramChart(m_grid)), m_rates(new RatesChart(m_grid)),
      m_best(new BestSpeedupChart(m_grid))
{
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setWordWrap(true); // beside the baseline choice and the buttons in a 1024 px window
    m_scoresLabel->setObjectName(u"scores"_s);
    m_scoresLabel->setWordWrap(true);
    m_scoresLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_scoresLabel->setToolTip(
        tr("fast_p: the share of results that are correct and whose whole 95 % speedup interval is above p "
           "(timing not noisy; never one flagged faster than light). geomean: geometric-mean speedup of the "
           "correct results."));
    m_baseline->addItem(tr("vs eager PyTorch"), u"eager"_s);
    m_baseline->addItem(tr("vs torch.compile"), u"compile"_s);
    m_baseline->setToolTip(tr("The baseline the speedup charts measure against"));
    m_groupBy->addItem(tr("Scores per run"), u"run"_s);
    m_groupBy->addItem(tr("Scores over time"), u"time"_s);
    auto* reset = new QPushButton(tr("Reset zoom"), this);
    auto* png = new QPushButton(tr("Save PNG…"), this);
    auto* pdf = new QPushButton(tr("Save PDF…"), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_baseline);
    bar->addWidget(reset);
    bar->addWidget(png);
    bar->addWidget(pdf);

    auto* grid = new QGridLayout(m_grid);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(8);
    grid->addWidget(m_time, 0, 0);
    grid->addWidget(m_hist, 0, 1);
    grid->addWidget(m_rates, 1, 0);
    grid->addWidget(m_best, 1, 1);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(10, 8, 10, 6);
    l->setSpacing(6);
    l->addWidget(m_filterBar);
    l->addLayout(bar);
    l->addWidget(m_scoresLabel);
    auto* scoresPage = new QWidget(this);
    auto* sl = new QVBoxLayout(scoresPage);
    sl->setContentsMargins(0, 4, 0, 0);
    auto* groupRow = new QHBoxLayout;
    groupRow->addWidget(m_groupBy);
    groupRow->addStretch(1);
    sl->addLayout(groupRow);
    sl->addWidget(m_scoresTable, 1);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_grid, tr("Speedups and rates"));
    m_tabs->addTab(m_roofline, tr("Roofline"));
    m_tabs->addTab(scoresPage, tr("Scores"));
    l->addWidget(m_tabs, 1);

    addPanelAction(tr("Save charts as &PNG…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
                   [this] { saveDialog(false); });
    addPanelAction(tr("Save charts as P&DF…"), {}, [this] { saveDialog(true); });
    addPanelAction(tr("&Reset zoom"), QKeySequence(Qt::CTRL | Qt::Key_0), [this] { resetZoom(); });
    connect(reset, &QPushButton::clicked, this, &ChartsPanel::resetZoom);
    connect(png, &QPushButton::clicked, this, [this] { saveDialog(false); });
    connect(pdf, &QPushButton::clicked, this, [this] { saveDialog(true); });

    m_coalesce.setSingleShot(true);
    connect(&m_coalesce, &QTimer::timeout, this, &ChartsPanel::rebuild);
    connect(ctx.filtered(), &HistoryFilterModel::contentsChanged, this, &ChartsPanel::markDirty);
    connect(ctx.filtered(), &QAbstractItemModel::modelReset, this, &ChartsPanel::markDirty);
    connect(m_baseline, &QComboBox::currentIndexChanged, this, &ChartsPanel::markDirty);
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, &ChartsPanel::markDirty);
    connect(m_roofline->chart(), &RooflineChart::resultClicked, &ctx, &AppContext::resultRequested);
    connect(&ctx, &AppContext::storeOpened, this, [this] {
        m_problemSol.clear(); // row ids belong to the store
        markDirty();
    });
    m_summary->setText(tr("Loading…"));
}

ChartsPanel::~ChartsPanel() = default; // m_build waits for the round in progress

void ChartsPanel::markDirty()
{
    m_dirty = true;
    if (isVisible() && !m_coalesce.isActive())
        m_coalesce.start(m_minIntervalMs);
}

void ChartsPanel::showEvent(QShowEvent* event)
{
    Panel::showEvent(event);
    if (m_dirty && !m_coalesce.isActive())
        m_coalesce.start(0);
}

void ChartsPanel::rebuild()
{
    if (m_build.busy()) {
        m_dirty = true; // onBuilt() starts the next round
        return;
    }
    m_dirty = false;
    QElapsedTimer t;
    t.start();
    // Snapshot on the UI thread (the model lives here); crunch on a worker.
    const HistoryFilterModel* f = m_ctx.filtered();
    const HistoryModel* h = f->historyModel();
    const bool compile = m_baseline->currentData().toString() == u"compile"_s;
    auto points = std::make_shared<std::vector<ChartPoint>>();
    auto roofline = std::make_shared<std::vector<RooflinePoint>>();
    std::unordered_map<quint64, std::int64_t> toLoad; // problem/GPU → newest row with a SOL estimate
    points->reserve(f->sourceRows().size());
    for (int s : f->sourceRows()) {
        const CompactRow& r = h->row(s);
        // The best-per-problem chart counts only significant wins against the chosen baseline.
        const auto win = compile ? r.verdict(Baseline::Compile, 0) : static_cast<WinVerdict>(r.win);
        points->push_back(ChartData::point(r, compile ? r.compileSpeedup : r.speedup, win));
        if (!std::isnan(r.solPercent)) {
            roofline->push_back({double(r.intensity), double(r.achievedFlops), double(r.speedup),
                                 double(r.solPercent), r.rowId, r.problem, r.gpu, r.status, false});
            const quint64 k = RooflinePage::key(r.problem, r.gpu);
            if (!m_problemSol.contains(k)) {
                std::int64_t& newest = toLoad[k];
                newest = std::max(newest, r.rowId);
            }
        }
    }
    auto names = std::make_shared<std::vector<QString>>(h->pool(HistoryModel::FProblem).strings());
    auto runs = std::make_shared<std::vector<QString>>(h->pool(HistoryModel::FRun).strings());
    const bool byRun = m_groupBy->currentData().toString() == u"run"_s;
    std::shared_ptr<HistoryStore> store = m_ctx.store();
    // Large histories: space refreshes out so the snapshot never eats the event loop.
    m_minIntervalMs = std::max(40, static_cast<int>(t.elapsed()) * 8);
    m_build.start(
        [points, names, runs, roofline, toLoad, store, byRun]() {
            Build j;
            j.series = ChartData::build(*points, *names);
            j.points = points;
            j.names = names;
            j.roofline = roofline;
            j.scores = ScoreData::score(*points, tr("All in the filter"));
            const double bucket = j.series.bucketSeconds;
            if (byRun)
                j.groups = ScoreData::grouped(
                    *points, [](const ChartPoint& p) { return double(p.run); },
                    [runs](double k) {
                        const auto i = static_cast<std::size_t>(k);
                        return i > 0 && i < runs->size() ? (*runs)[i] : tr("(not from a training run)");
                    });
            else
                j.groups = ScoreData::grouped(
                    *points, [bucket](const ChartPoint& p) { return std::floor(p.time / bucket) * bucket; },
                    [bucket](double k) {
                        return tr("%1 (%2)").arg(Format::dateTime(k), Format::seconds(bucket));
                    });
            j.groups.insert(j.groups.begin(), j.scores);
            // The peaks and FLOP estimate of each new problem/GPU, from its newest stored result.
            if (store) {
                for (const auto& [k, rowId] : toLoad) {
                    try {
                        const auto r = store->findByRowId(rowId);
                        if (!r || !r->sol || !r->sol->available())
                            continue;
                        j.loaded.insert(k, {r->sol->flopsEstimated, qs(r->sol->precision),
                                            r->sol->peakFlopsPerS, r->sol->peakBytesPerS});
                    } catch (const std::exception&) {
                        // A row that vanished or a store that is busy: the next refresh tries again.
                    }
                }
            }
            return j;
        },
        [this](Build j) { onBuilt(std::move(j)); });
}

void ChartsPanel::onBuilt(Build j)
{
    m_series = j.series;
    m_series.filterActive = !m_ctx.filtered()->filter().isEmpty();
    if (m_series.total == 0) // empty time axes show the present, not 1970
        m_series.tMin = m_series.tMax = double(QDateTime::currentSecsSinceEpoch());
    m_time->setSeries(m_series, j.points, j.names);
    m_hist->setSeries(m_series);
    m_rates->setSeries(m_series);
    m_best->setSeries(m_series);
    // Say which baseline the speedups are against.
    const bool compile = m_baseline->currentData().toString() == u"compile"_s;
    m_time->yAxis->setLabel(compile ? tr("speedup vs torch.compile (×, log)") : tr("speedup (×, log)"));
    m_hist->xAxis->setLabel(compile ? tr("speedup vs torch.compile") : tr("speedup"));
    m_best->xAxis->setLabel(compile ? tr("best significant speedup vs torch.compile (×)")
                                    : tr("best significant speedup (×)"));
    m_scores = j.scores;
    m_problemSol.insert(j.loaded);
    const HistoryModel* history = m_ctx.filtered()->historyModel();
    m_roofline->setInput(j.roofline, j.names, history->pool(HistoryModel::FGpu).strings(), m_problemSol);
    m_scoresTable->setGroups(j.groups);
    m_scoresLabel->setText(scoresText());
    for (QCustomPlot* p : {static_cast<QCustomPlot*>(m_time), static_cast<QCustomPlot*>(m_hist),
                           static_cast<QCustomPlot*>(m_rates), static_cast<QCustomPlot*>(m_best)})
        p->replot(QCustomPlot::rpQueuedReplot);
    ++m_refreshes;
    const QLocale loc;
    const HistoryFilterModel* f = m_ctx.filtered();
    m_summary->setText(tr("%1 evaluations (%2) · %3 correct · %4 with a speedup · buckets of %5")
                           .arg(loc.toString(m_series.total), f->filter().describe(),
                                loc.toString(m_series.correct), loc.toString(m_series.withSpeedup),
                                Format::seconds(m_series.bucketSeconds)));
    if (m_dirty && isVisible())
        m_coalesce.start(m_minIntervalMs);
}

QString ChartsPanel::scoresText() const
{
    const std::size_t left = m_scores.eager.notCounted;
    if (m_scores.eager.results == 0)
        return left == 1 ? tr("Scores: the one evaluation in the filter was cancelled or not run.")
               : left    ? tr("Scores: the %1 evaluations in the filter were cancelled or not run.").arg(left)
               : m_series.filterActive ? tr("Scores: no evaluation in the filter.")
                                       : tr("Scores: no evaluations yet.");
    QString text = tr("<b>vs eager</b> %1").arg(ScoreData::describe(m_scores.eager));
    if (left)
        text += tr(" (%1 cancelled or not run: left out)").arg(left);
    if (m_scores.compile.measured == 0)
        return text + tr("<br><b>vs torch.compile</b> not measured (Settings → Defaults → Baselines)");
    const SpeedupScores& c = m_scores.compile;
    return text + tr("<br><b>vs torch.compile</b> (%1 correct measured) fast_1 %2 · fast_2 %3 · geomean %4")
                      .arg(c.measured)
                      .arg(Format::percent(100 * c.fastShare(1)), Format::percent(100 * c.fastShare(2)),
                           Format::speedup(c.geomeanSpeedup));
}

void ChartsPanel::refreshNow()
{
    m_coalesce.stop();
    m_build.finish();
    rebuild();
    m_build.finish();
}

void ChartsPanel::resetZoom()
{
    for (ChartWidget* c : {static_cast<ChartWidget*>(m_time), static_cast<ChartWidget*>(m_hist),
                           static_cast<ChartWidget*>(m_rates), static_cast<ChartWidget*>(m_best),
                           static_cast<ChartWidget*>(m_roofline->chart())}) {
        c->resetZoom();
        c->replot(QCustomPlot::rpQueuedReplot);
    }
}

bool ChartsPanel::saveAll(const QString& path)
{
    QWidget* page = m_tabs->currentWidget(); // the four charts, the roofline or the scores
    if (path.endsWith(u".pdf"_s, Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QSizeF(page->width(), page->height()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter p;
        if (!p.begin(&pdf))
            return false;
        page->render(&p);
        return p.end();
    }
    return page->grab().save(path);
}

void ChartsPanel::saveDialog(bool pdf)
{
    const QString path =
        QFileDialog::getSaveFileName(this, pdf ? tr("Save charts as PDF") : tr("Save charts as PNG"),
                                     pdf ? u"kernelwatch-charts.pdf"_s : u"kernelwatch-charts.png"_s,
                                     pdf ? tr("PDF (*.pdf)") : tr("PNG image (*.png)"));
    if (!path.isEmpty() && !saveAll(path))
        m_summary->setText(tr("Could not write %1: check the folder's permissions.").arg(path));
}

bool ChartsPanel::busy() const
{
    return m_build.busy() || m_coalesce.isActive() || (m_dirty && isVisible());
}

void ChartsPanel::prepareScreenshot()
{
    markDirty();
}

} // namespace kw::ui
