#include "charts/ChartsPanel.h"

#include "app/AppContext.h"
#include "app/Format.h"
#include "charts/BestSpeedupChart.h"
#include "charts/RatesChart.h"
#include "charts/SpeedupHistogramChart.h"
#include "charts/SpeedupTimeChart.h"
#include "evaluations/FilterBar.h"
#include "models/HistoryFilterModel.h"
#include "models/HistoryModel.h"

#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace kw::ui {

PanelInfo ChartsPanel::info()
{
    return {u"charts"_s, tr("Charts"), u"charts"_s, tr("Speedups and rates of the filtered evaluations")};
}

ChartsPanel::ChartsPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_filterBar(new FilterBar(ctx.filtered(), this)), m_summary(new QLabel(this)),
      m_grid(new QWidget(this)), m_time(new SpeedupTimeChart(m_grid)),
      m_hist(new SpeedupHistogramChart(m_grid)), m_rates(new RatesChart(m_grid)),
      m_best(new BestSpeedupChart(m_grid))
{
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    auto* reset = new QPushButton(tr("Reset zoom"), this);
    auto* png = new QPushButton(tr("Save PNG…"), this);
    auto* pdf = new QPushButton(tr("Save PDF…"), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
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
    l->addWidget(m_grid, 1);

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
    connect(&m_watcher, &QFutureWatcher<Job>::finished, this, &ChartsPanel::onBuilt);
    m_summary->setText(tr("Loading…"));
}

ChartsPanel::~ChartsPanel()
{
    m_watcher.waitForFinished();
}

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
    if (m_watcher.isRunning()) {
        m_dirty = true; // onBuilt() starts the next round
        return;
    }
    m_dirty = false;
    QElapsedTimer t;
    t.start();
    // Snapshot on the UI thread (the model lives here); crunch on a worker.
    const HistoryFilterModel* f = m_ctx.filtered();
    const HistoryModel* h = f->historyModel();
    auto points = std::make_shared<std::vector<ChartPoint>>();
    points->reserve(f->sourceRows().size());
    for (int s : f->sourceRows()) {
        const CompactRow& r = h->row(s);
        points->push_back({r.createdAt, r.speedup, r.problem, r.status, static_cast<std::uint8_t>(r.win)});
    }
    auto names = std::make_shared<std::vector<QString>>(h->pool(HistoryModel::FProblem).strings());
    // Large histories: space refreshes out so the snapshot never eats the event loop.
    m_minIntervalMs = std::max(40, static_cast<int>(t.elapsed()) * 8);
    m_watcher.setFuture(QtConcurrent::run([points, names]() {
        Job j;
        j.series = ChartData::build(*points, *names);
        j.points = points;
        j.names = names;
        return j;
    }));
}

void ChartsPanel::onBuilt()
{
    Job j = m_watcher.result();
    m_series = j.series;
    m_time->setSeries(m_series, j.points, j.names);
    m_hist->setSeries(m_series);
    m_rates->setSeries(m_series);
    m_best->setSeries(m_series);
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

void ChartsPanel::refreshNow()
{
    m_coalesce.stop();
    m_watcher.waitForFinished();
    rebuild();
    m_watcher.waitForFinished();
    QCoreApplication::sendPostedEvents(&m_watcher);
}

void ChartsPanel::resetZoom()
{
    for (ChartWidget* c : {static_cast<ChartWidget*>(m_time), static_cast<ChartWidget*>(m_hist),
                           static_cast<ChartWidget*>(m_rates), static_cast<ChartWidget*>(m_best)}) {
        c->resetZoom();
        c->replot(QCustomPlot::rpQueuedReplot);
    }
}

bool ChartsPanel::saveAll(const QString& path)
{
    if (path.endsWith(u".pdf"_s, Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QSizeF(m_grid->width(), m_grid->height()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter p;
        if (!p.begin(&pdf))
            return false;
        m_grid->render(&p);
        return p.end();
    }
    return m_grid->grab().save(path);
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
    return m_watcher.isRunning() || m_coalesce.isActive() || (m_dirty && isVisible());
}

void ChartsPanel::prepareScreenshot()
{
    markDirty();
}

} // namespace kw::ui
