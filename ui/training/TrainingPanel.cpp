#include "ui/training/TrainingPanel.h"

#include "ui/base/Format.h"
#include "ui/base/Settings.h"
#include "ui/base/Theme.h"
#include "ui/models/HistoryModel.h"
#include "ui/services/AppContext.h"
#include "ui/training/StepChart.h"
#include "ui/training/StepScores.h"
#include "ui/training/StepSeries.h"
#include "ui/training/TraceTableModel.h"
#include "ui/training/TrainingDemo.h"
#include "ui/widgets/CodeEditor.h"
#include "ui/widgets/EmptyViewHint.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
const QString kPanel = u"training"_s;

QColor runColor(int i)
{
    static const QColor light[] = {QColor(0x2f, 0x6f, 0xd6), QColor(0xd9, 0x5f, 0x0e),
                                   QColor(0x2c, 0xa0, 0x2c), QColor(0x94, 0x67, 0xbd),
                                   QColor(0x8c, 0x56, 0x4b)};
    static const QColor dark[] = {QColor(0x6c, 0xb0, 0xff), QColor(0xff, 0x9f, 0x4a),
                                  QColor(0x6f, 0xd6, 0x6f), QColor(0xc5, 0x9c, 0xf0),
                                  QColor(0xd0, 0x9a, 0x8a)};
    const int k = ((i % 5) + 5) % 5;
    return Theme::isDark() ? dark[k] : light[k];
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

} // namespace

PanelInfo TrainingPanel::info()
{
    return {kPanel, tr("Training"), u"training"_s, tr("Follow kernel_rl training runs live")};
}

TrainingPanel::TrainingPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_bridge(new TrainingBridge(this)), m_path(new QLabel(tr("No run followed."))),
      m_stall(new QSpinBox), m_banner(new QLabel), m_runList(new QTreeWidget), m_table(new QTableView),
      m_tabs(new QTabWidget), m_details(new QTextBrowser), m_kernel(new CodeEditor),
      m_reward(new StepChart(tr("Reward per step (mean ± std)"), tr("reward"))),
      m_rates(new StepChart(tr("Rates per step"), tr("share of turns (%)"))),
      m_speedup(new StepChart(tr("Speedup per step"), tr("speedup ×"))),
      m_evalTime(new StepChart(tr("Evaluation time per step"), tr("seconds")))
{
    m_clock.start();

    auto* openRun = new QPushButton(tr("Open run…"));
    auto* openRoot = new QPushButton(tr("Open runs root…"));
    connect(openRun, &QPushButton::clicked, this, [this] { chooseRun(false); });
    connect(openRoot, &QPushButton::clicked, this, [this] { chooseRun(true); });
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stall->setRange(1, 24 * 3600);
    m_stall->setSuffix(tr(" s"));
    m_stall->setToolTip(tr("Alert when a live run writes no new trace line for this long"));
    bool ok = false;
    const int saved = QString::fromUtf8(m_ctx.settings().panelState(kPanel, u"stallSeconds"_s)).toInt(&ok);
    m_stallSeconds = ok && saved > 0 ? saved : 120;
    m_stall->setValue(m_stallSeconds);
    connect(m_stall, &QSpinBox::valueChanged, this, [this](int v) { setStallSeconds(v); });

    auto* top = new QHBoxLayout;
    top->addWidget(openRun);
    top->addWidget(openRoot);
    top->addWidget(m_path, 1);
    top->addWidget(new QLabel(tr("Stall alert after")));
    top->addWidget(m_stall);

    m_banner->setVisible(false);
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::RichText);
    m_banner->setStyleSheet(
        u"QLabel { background: #b3261e; color: white; padding: 6px 10px; border-radius: 4px; }"_s);
    connect(m_banner, &QLabel::linkActivated, this, [this] {
        m_dismissed = m_banner->property("alertKey").toString();
        m_banner->hide();
    });

    m_runList->setColumnCount(4);
    m_runList->setHeaderLabels({tr("Run"), tr("Size"), tr("Last update"), tr("State")});
    m_runList->setRootIsDecorated(false);
    m_runList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_runList->setToolTip(tr("Select several runs to overlay them in the charts"));
    m_runList->setTextElideMode(Qt::ElideMiddle); // run names differ at their end
    m_runList->header()->setStretchLastSection(false);
    m_runList->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c)
        m_runList->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_rates->setValueRange(-3, 103); // percentages: 0–100 with a small margin
    connect(m_runList, &QTreeWidget::itemSelectionChanged, this, [this] {
        const auto sel = m_runList->selectedItems();
        if (!sel.isEmpty() && !sel.contains(m_runList->currentItem()))
            showRun(sel.first()->text(0));
        else if (m_runList->currentItem())
            showRun(m_runList->currentItem()->text(0));
        scheduleCharts();
    });

    m_runsHint = EmptyViewHint::install(m_runList, [this] {
        return m_followedPath.isEmpty()
                   ? tr("No run followed.\n\nOpen run… follows one kernel_rl run folder (the one holding "
                        "traces.jsonl); Open runs root… follows every run under a folder, new ones included.")
                   : tr("No run here yet: a kernel_rl run appears as soon as it writes traces.jsonl or "
                        "metrics.jsonl under this folder.");
    });
    m_tableHint = EmptyViewHint::install(m_table, [this] {
        return m_runs.isEmpty()
                   ? tr("A run's evaluations appear here, one row per kernel, as the run writes them.")
               : currentModel() ? tr("This run has no evaluations yet: a row appears for each kernel as the "
                                     "run writes it.")
                                : tr("Select a run to see its evaluations.");
    });

    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);

    m_details->setOpenLinks(false);
    m_kernel->setReadOnlyViewer(true);
    auto* detailsSplit = new QSplitter(Qt::Horizontal);
    detailsSplit->addWidget(m_details);
    detailsSplit->addWidget(m_kernel);
    detailsSplit->setStretchFactor(0, 1);
    detailsSplit->setStretchFactor(1, 1);

    auto* charts = new QWidget;
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_reward, 0, 0);
    grid->addWidget(m_rates, 0, 1);
    grid->addWidget(m_speedup, 1, 0);
    grid->addWidget(m_evalTime, 1, 1);
    m_tabs->addTab(charts, tr("Charts"));
    m_tabs->addTab(detailsSplit, tr("Details"));

    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(m_table);
    right->addWidget(m_tabs);
    right->setStretchFactor(0, 2);
    right->setStretchFactor(1, 3);
    auto* main = new QSplitter(Qt::Horizontal);
    main->setObjectName(u"trainingSplit"_s);
    main->addWidget(m_runList);
    main->addWidget(right);
    main->setStretchFactor(0, 0);
    main->setStretchFactor(1, 1);
    main->setSizes({360, 1000});
    main->restoreState(m_ctx.settings().panelState(kPanel, u"split"_s));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_banner);
    layout->addWidget(main, 1);

    connect(m_bridge, &TrainingBridge::updatesReady, this, &TrainingPanel::onUpdates);
    connect(m_bridge, &TrainingBridge::detailsLoaded, this, [this](const TrainingBridge::Details& d) {
        m_detailsPending = false;
        ++m_detailsLoaded;
        showDetails(d);
    });
    // A run followed before the history store opened is followed again once it has, so that
    // its evaluations are stored too (already stored ones are deduplicated by id).
    connect(&m_ctx, &AppContext::storeOpened, this, [this] {
        if (!m_followedWithStore && !m_bridge->path().isEmpty())
            follow(m_bridge->path());
    });
    m_chartTimer.setSingleShot(true);
    m_chartTimer.setInterval(300);
    connect(&m_chartTimer, &QTimer::timeout, this, &TrainingPanel::refreshCharts);
    // The per-step scores read the run's results from the history: redraw when they arrive.
    connect(ctx.history(), &HistoryModel::flushed, this, [this] {
        if (!m_runs.isEmpty())
            scheduleCharts();
    });
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        refreshRunsList();
        checkAlerts();
    });
    m_tick.start();

    addPanelAction(
        tr("Open run…"), {}, [this] { chooseRun(false); }, tr("Follow one run directory"));
    addPanelAction(
        tr("Open runs root…"), {}, [this] { chooseRun(true); }, tr("Follow every run under a directory"));

    const QString last = QString::fromUtf8(m_ctx.settings().panelState(kPanel, u"path"_s));
    if (!last.isEmpty() && QFileInfo(last).isDir())
        follow(last);
    refreshCharts();
}

TrainingPanel::~TrainingPanel()
{
    m_bridge->stop(); // before the models go: no callback runs after this
}

void TrainingPanel::saveState()
{
    if (auto* split = findChild<QSplitter*>(u"trainingSplit"_s))
        m_ctx.settings().setPanelState(kPanel, u"split"_s, split->saveState());
}

void TrainingPanel::chooseRun(bool root)
{
    const QString start = m_bridge->path();
    const QString dir = QFileDialog::getExistingDirectory(
        this, root ? tr("Choose a runs root") : tr("Choose a run directory"), start);
    if (dir.isEmpty())
        return;
    m_ctx.settings().setPanelState(kPanel, u"path"_s, dir.toUtf8());
    follow(dir);
}

void TrainingPanel::setStallSeconds(int seconds)
{
    m_stallSeconds = std::max(1, seconds);
    if (m_stall->value() != m_stallSeconds && m_stallSeconds >= m_stall->minimum())
        m_stall->setValue(m_stallSeconds);
    m_ctx.settings().setPanelState(kPanel, u"stallSeconds"_s, QByteArray::number(m_stallSeconds));
    checkAlerts();
}

void TrainingPanel::clearRuns()
{
    m_table->setModel(nullptr);
    for (Run& r : m_runs)
        delete r.model;
    m_runs.clear();
    m_runList->clear();
    m_current.clear();
    m_dismissed.clear();
    m_banner->hide();
    m_tableHint->refresh();
}

void TrainingPanel::follow(const QString& path)
{
    m_bridge->stop();
    m_bridge->setStore(m_ctx.store());
    m_followedWithStore = m_ctx.store() != nullptr;
    clearRuns();
    m_path->setText(path);
    m_followedPath = path;
    m_runsHint->refresh();
    m_bridge->follow(path, m_pollMs);
    scheduleCharts();
}

TraceTableModel* TrainingPanel::currentModel() const
{
    const auto it = m_runs.constFind(m_current);
    return it == m_runs.constEnd() ? nullptr : it->model;
}

QStringList TrainingPanel::runNames() const
{
    QStringList names = m_runs.keys();
    names.sort();
    return names;
}

void TrainingPanel::onUpdates()
{
    TrainingBridge::Updates updates = m_bridge->take();
    bool chartsChanged = false;
    for (auto& [name, u] : updates) {
        if (u.removed) {
            if (auto it = m_runs.find(name); it != m_runs.end()) {
                if (m_current == name) {
                    m_table->setModel(nullptr);
                    m_current.clear();
                }
                delete it->item;
                delete it->model;
                m_runs.erase(it);
                chartsChanged = true;
            }
            continue;
        }
        Run& run = m_runs[name];
        if (!run.model) {
            run.model = new TraceTableModel(this);
            run.dir = u.dir;
            run.lastArrivalMs = m_clock.elapsed();
            run.item = new QTreeWidgetItem(m_runList, {name});
            run.item->setToolTip(0, u.dir);
            if (m_current.isEmpty()) {
                m_runList->setCurrentItem(run.item);
                showRun(name);
            }
        }
        if (u.tracesReset)
            run.model->clear();
        if (u.metricsReset)
            run.metrics.clear();
        if (!u.rows.empty()) {
            run.model->appendRows(std::move(u.rows));
            run.lastArrivalMs = m_clock.elapsed();
        }
        for (const auto& [first, steps] : u.steps)
            run.model->setSteps(first, steps);
        run.metrics.insert(run.metrics.end(), u.metrics.begin(), u.metrics.end());
        run.indexed = run.indexed || u.indexed;
        if (!u.errors.empty())
            run.error = u.errors.back();
        chartsChanged = true;
    }
    if (m_demo && !m_demoArranged && m_runs.size() >= 2) {
        bool all = true;
        for (const Run& r : std::as_const(m_runs))
            all = all && r.indexed;
        if (all) { // overlay both runs and open a row
            m_demoArranged = true;
            m_runList->selectAll();
            if (currentModel() && currentModel()->rowCount() > 3)
                m_table->selectRow(3);
        }
    }
    if (chartsChanged) {
        refreshRunsList();
        scheduleCharts();
        checkAlerts();
    }
    m_tableHint->refresh(); // runs came or went: "select a run" or nothing
}

void TrainingPanel::showRun(const QString& name)
{
    if (name == m_current || !m_runs.contains(name))
        return;
    m_current = name;
    TraceTableModel* model = m_runs[name].model;
    m_table->setModel(model);
    m_tableHint->refresh();
    for (const int c : {TraceTableModel::Step, TraceTableModel::Turn, TraceTableModel::Level})
        m_table->horizontalHeader()->resizeSection(c, 56); // small numbers: room for Reward instead
    m_table->horizontalHeader()->resizeSection(TraceTableModel::Time, 80);
    m_table->horizontalHeader()->resizeSection(TraceTableModel::Problem, 110);
    m_table->horizontalHeader()->resizeSection(TraceTableModel::Status, 120);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TrainingPanel::onRowChanged, Qt::UniqueConnection);
    m_details->clear();
    m_kernel->setText({});
}

void TrainingPanel::onRowChanged()
{
    const TraceTableModel* model = currentModel();
    const TraceRow* row = model ? model->rowAt(m_table->currentIndex().row()) : nullptr;
    if (!row)
        return;
    m_detailsPending = true; // a later selection supersedes this one
    m_bridge->loadDetails(m_runs[m_current].dir, *row);
}

void TrainingPanel::showDetails(const TrainingBridge::Details& d)
{
    if (!d.ok) {
        m_details->setHtml(tr("<p><b>Could not load this line:</b> %1</p>").arg(esc(d.error)));
        m_kernel->setText({});
        return;
    }
    QString html;
    html += tr("<h3>Eval result</h3>");
    html += u"<pre>"_s + esc(d.evalResult) + u"</pre>"_s;
    html += tr("<h3>Reward breakdown</h3><table cellspacing=0 cellpadding=2>");
    for (const auto& [key, value] : d.reward)
        html += u"<tr><td>"_s + esc(key) + u"</td><td align=right><b>"_s + value + u"</b></td></tr>"_s;
    html += u"</table>"_s;
    if (!d.thought.isEmpty())
        html +=
            tr("<h3>Thought</h3>") + u"<pre style='white-space:pre-wrap'>"_s + esc(d.thought) + u"</pre>"_s;
    html += tr("<h3>Prompt (%1 messages)</h3>").arg(d.prompt.size());
    for (const auto& [role, content] : d.prompt)
        html += u"<p><b>"_s + esc(role) + u"</b></p><pre style='white-space:pre-wrap'>"_s + esc(content) +
                u"</pre>"_s;
    m_details->setHtml(html);
    m_kernel->setText(d.kernel);
}

void TrainingPanel::refreshRunsList()
{
    const auto states = m_bridge->runStates();
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    for (const TrainingBridge::RunState& s : states) {
        auto it = m_runs.find(s.name);
        if (it == m_runs.end() || !it->item)
            continue;
        QTreeWidgetItem* item = it->item;
        item->setText(1, Format::bytes(double(s.bytes)));
        item->setText(2, s.lastLineAt > 0 ? Format::shortTime(s.lastLineAt) : Format::dash());
        const bool recent = s.lastLineAt > 0 && now - s.lastLineAt < m_stallSeconds;
        QString state = !it->indexed ? tr("indexing") : recent ? tr("live") : tr("idle");
        if (!it->error.isEmpty())
            state = tr("error");
        item->setText(3, state);
        item->setToolTip(3, it->error.isEmpty() ? tr("%1 rows").arg(it->model->rowCount()) : it->error);
    }
}

void TrainingPanel::scheduleCharts()
{
    if (!m_chartTimer.isActive())
        m_chartTimer.start();
}

void TrainingPanel::refreshCharts()
{
    QStringList shown;
    for (QTreeWidgetItem* item : m_runList->selectedItems())
        shown << item->text(0);
    if (shown.isEmpty() && !m_current.isEmpty())
        shown << m_current;
    shown.sort();
    const bool overlay = shown.size() > 1;
    // Overlaid runs are told apart by what follows the prefix their names share ("…-lr1e-5",
    // "…-lr3e-5"), cut after a separator, so the legends stay short.
    qsizetype common = overlay ? shown.first().size() : 0;
    for (const QString& name : std::as_const(shown)) {
        qsizetype i = 0;
        while (i < common && i < name.size() && name[i] == shown.first()[i])
            ++i;
        common = i;
    }
    while (common > 0 && !u"-_./ "_s.contains(shown.first()[common - 1]))
        --common;
    for (const QString& name : std::as_const(shown))
        if (name.size() <= common)
            common = 0;
    QVector<StepChart::Curve> reward, rates, speedup, evalTime;
    int ci = 0;
    for (const QString& name : shown) {
        const Run& run = m_runs[name];
        if (!run.model)
            continue;
        const StepSeries s = StepSeries::build(run.model->rows(), run.metrics);
        const QString prefix = overlay ? name.mid(common) + u" · "_s : QString();
        const QColor c = runColor(ci++);
        reward.push_back({prefix + tr("reward"), s.step, s.rewardMean, s.rewardStd, c});
        auto pct = [](QVector<double> v) {
            for (double& x : v)
                x *= 100;
            return v;
        };
        if (overlay) {
            rates.push_back({prefix + tr("compile"), s.step, pct(s.compileRate), {}, c, Qt::DotLine});
            rates.push_back({prefix + tr("correct"), s.step, pct(s.correctRate), {}, c});
            rates.push_back({prefix + tr("cheat"), s.step, pct(s.cheatRate), {}, c, Qt::DashLine});
            speedup.push_back({prefix + tr("mean"), s.step, s.speedupMean, {}, c});
            speedup.push_back({prefix + tr("max"), s.step, s.speedupMax, {}, c, Qt::DashLine});
        } else {
            rates.push_back({tr("compile %"), s.step, pct(s.compileRate), {}, runColor(0)});
            rates.push_back({tr("correct %"), s.step, pct(s.correctRate), {}, runColor(2)});
            rates.push_back({tr("cheat %"), s.step, pct(s.cheatRate), {}, QColor(0xc6, 0x28, 0x28)});
            speedup.push_back({tr("mean"), s.step, s.speedupMean, {}, runColor(0)});
            speedup.push_back({tr("max"), s.step, s.speedupMax, {}, runColor(1), Qt::DashLine});
        }
        evalTime.push_back({prefix + tr("eval mean (metrics)"), s.step, s.evalTimeS, {}, c});
        // fast_p and the geometric mean need the speedup intervals: from the run's results in the
        // history (recorded while the run is followed with a store).
        const StepScores sc = StepScores::build(*m_ctx.history(), name);
        if (!sc.step.isEmpty() && sc.intervals) {
            rates.push_back(
                {prefix + tr("fast_1 %"), sc.step, sc.fast1, {}, overlay ? c : runColor(3), Qt::DashDotLine});
            rates.push_back({prefix + tr("fast_2 %"),
                             sc.step,
                             sc.fast2,
                             {},
                             overlay ? c : runColor(4),
                             Qt::DashDotDotLine});
        }
        if (!sc.step.isEmpty())
            speedup.push_back({prefix + tr("geomean (correct)"),
                               sc.step,
                               sc.geomean,
                               {},
                               overlay ? c : runColor(2),
                               Qt::DotLine});
    }
    m_reward->setCurves(reward);
    m_rates->setCurves(rates);
    m_speedup->setCurves(speedup);
    m_evalTime->setCurves(evalTime);
}

QString TrainingPanel::alertText() const
{
    return m_banner->text();
}

bool TrainingPanel::alertVisible() const
{
    return !m_banner->isHidden();
}

void TrainingPanel::checkAlerts()
{
    // The rules and their words are core's (RunAlerts), shared with `kernelwatch-cli watch`.
    QStringList alerts;
    const qint64 now = m_clock.elapsed();
    for (auto it = m_runs.cbegin(); it != m_runs.cend(); ++it) {
        const Run& run = it.value();
        if (!run.model || !run.indexed)
            continue;
        const double quietS = double(now - run.lastArrivalMs) / 1000.0;
        for (const QString& a : TrainingBridge::alerts(it.key(), quietS, run.model->rows(), m_stallSeconds))
            alerts << u"<b>%1</b>: %2"_s.arg(esc(it.key()), esc(a));
    }
    alerts.sort();
    const QString text = alerts.isEmpty()
                             ? QString()
                             : u"⚠ "_s + alerts.join(u" · "_s) +
                                   u" &nbsp; <a style='color:white' href='#'>"_s + tr("dismiss") + u"</a>"_s;
    if (text.isEmpty()) {
        m_banner->hide();
        m_dismissed.clear();
        return;
    }
    // Stall durations change every tick; a dismissal holds while the set of runs alerted is the same.
    QString key = alerts.join(u"|"_s);
    key.remove(QRegularExpression(u"for .*"_s));
    m_banner->setText(text);
    m_banner->setProperty("alertKey", key);
    m_banner->setVisible(key != m_dismissed);
}

void TrainingPanel::prepareScreenshot()
{
    m_demo = true;
    m_demoDir = std::make_unique<QTemporaryDir>();
    const double start = double(QDateTime::currentSecsSinceEpoch()) - 8 * 600.0;
    TrainingDemo::writeRun(m_demoDir->filePath(u"qwen3-8b-triton-lr1e-5"_s), 8, 40, 7, start);
    TrainingDemo::writeRun(m_demoDir->filePath(u"qwen3-8b-triton-lr3e-5"_s), 6, 40, 11, start + 300);
    follow(m_demoDir->path());
}

bool TrainingPanel::busy() const
{
    if (!m_demo)
        return m_detailsPending;
    if (m_runs.size() < 2)
        return true;
    for (const Run& r : m_runs)
        if (!r.indexed)
            return true;
    if (!m_demoArranged)
        return true;
    return m_detailsPending || m_chartTimer.isActive() || m_detailsLoaded == 0;
}

} // namespace kw::ui
