#include "ui/evaluations/EvaluationsPanel.h"

#include "ui/base/Settings.h"
#include "ui/evaluations/CompareDialog.h"
#include "ui/evaluations/DetailsPane.h"
#include "ui/evaluations/EvaluationsBridge.h"
#include "ui/evaluations/FilterBar.h"
#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"
#include "ui/services/AppContext.h"
#include "ui/widgets/EmptyViewHint.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
// The header's saved state; renamed when columns were added (issue 17: "vs compile", "% SOL"),
// because a state saved with fewer columns puts the new ones in the wrong places.
const QString kHeaderState = u"header17"_s;
} // namespace

PanelInfo EvaluationsPanel::info()
{
    return {u"evaluations"_s, tr("Evaluations"), u"evaluations"_s, tr("Every result in the history, live")};
}

EvaluationsPanel::EvaluationsPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_bridge(new EvaluationsBridge(ctx, this)),
      m_filterBar(new FilterBar(ctx.filtered(), this)), m_table(new QTableView(this)),
      m_details(new DetailsPane(ctx, this)), m_split(new QSplitter(Qt::Vertical, this)),
      m_rerun(new QPushButton(tr("Re-run"), this)), m_open(new QPushButton(tr("Open in Submit"), this)),
      m_compare(new QPushButton(tr("Compare"), this)), m_export(new QToolButton(this)),
      m_message(new QLabel(this))
{
    m_table->setModel(ctx.filtered());
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(HistoryModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Problem, QHeaderView::Stretch);
    // At 1024 px everything up to % SOL is on screen; the runtimes, duration and cost scroll.
    const int widths[HistoryModel::ColumnCount] = {140, 60, 240, 60, 70, 80, 100, 70, 76, 60, 90, 90, 80, 70};
    for (int c = 0; c < HistoryModel::ColumnCount; ++c)
        if (c != HistoryModel::Problem)
            m_table->setColumnWidth(c, widths[c]);
    const QByteArray header = ctx.settings().panelState(info().id, kHeaderState);
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);

    m_rerun->setToolTip(tr("Evaluate the selected kernel again with the same settings (Ctrl+R)"));
    m_open->setToolTip(tr("Load the selected evaluation's code and settings into Submit"));
    m_compare->setToolTip(tr("Select two rows (Ctrl+click) to compare them (Ctrl+D)"));
    m_export->setText(tr("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    m_export->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("Filtered rows as CSV…"), this,
                          [this] { exportDialog(HistoryExporter::Format::Csv); });
    exportMenu->addAction(tr("Filtered rows as JSONL…"), this,
                          [this] { exportDialog(HistoryExporter::Format::Jsonl); });
    exportMenu->addAction(tr("Filtered rows as JSONL with code…"), this,
                          [this] { exportDialog(HistoryExporter::Format::JsonlWithCode); });
    m_export->setMenu(exportMenu);
    m_message->setWordWrap(true);
    m_message->hide();
    m_messageTimer.setSingleShot(true);
    m_messageTimer.setInterval(kMessageMs);
    connect(&m_messageTimer, &QTimer::timeout, m_message, &QWidget::hide);

    auto* actions = new QHBoxLayout;
    actions->addWidget(m_rerun);
    actions->addWidget(m_open);
    actions->addWidget(m_compare);
    actions->addWidget(m_export);
    actions->addStretch(1);

    m_split->addWidget(m_table);
    m_split->addWidget(m_details);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setSizes({470, 330});
    const QByteArray split = ctx.settings().panelState(info().id, u"splitter"_s);
    if (!split.isEmpty())
        m_split->restoreState(split);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(10, 8, 10, 6);
    l->setSpacing(6);
    l->addWidget(m_filterBar);
    l->addWidget(m_message);
    l->addLayout(actions);
    l->addWidget(m_split, 1);

    addPanelAction(tr("&Re-run selected"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] { rerunSelected(); });
    addPanelAction(tr("&Open selected in Submit"), {}, [this] { openSelectedInSubmit(false); });
    addPanelAction(tr("&Compare two selected"), QKeySequence(Qt::CTRL | Qt::Key_D),
                   [this] { compareSelected(); });
    addPanelAction(
        tr("&Find…"), QKeySequence::Find, [this] { m_filterBar->focusSearch(); },
        tr("Search the evaluations"));
    addPanelAction(tr("C&lear filter"), {}, [this] { m_filterBar->clear(); });
    addPanelAction(tr("Export filtered rows as &CSV…"), QKeySequence(Qt::CTRL | Qt::Key_E),
                   [this] { exportDialog(HistoryExporter::Format::Csv); });
    addPanelAction(tr("Export filtered rows as &JSONL…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
                   [this] { exportDialog(HistoryExporter::Format::Jsonl); });

    connect(m_rerun, &QPushButton::clicked, this, &EvaluationsPanel::rerunSelected);
    connect(m_open, &QPushButton::clicked, this, [this] { openSelectedInSubmit(false); });
    connect(m_compare, &QPushButton::clicked, this, &EvaluationsPanel::compareSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &EvaluationsPanel::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &EvaluationsPanel::onCurrentChanged);
    connect(m_table, &QTableView::doubleClicked, this, [this] { openSelectedInSubmit(false); });
    // A chart's point was clicked: show that evaluation here.
    connect(&ctx, &AppContext::resultRequested, this, [this](qint64 rowId) {
        const int row = m_ctx.filtered()->proxyRowForRowId(rowId);
        if (row < 0)
            return;
        m_table->selectionModel()->setCurrentIndex(
            m_ctx.filtered()->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_table->scrollTo(m_ctx.filtered()->index(row, 0));
        Q_EMIT m_ctx.panelRequested(info().id);
    });
    // A filter change resets the table: keep the row the user was looking at.
    connect(ctx.filtered(), &QAbstractItemModel::modelReset, this, [this] {
        const int row = m_ctx.filtered()->proxyRowForRowId(m_currentRowId);
        if (row >= 0) {
            m_table->selectionModel()->setCurrentIndex(m_ctx.filtered()->index(row, 0),
                                                       QItemSelectionModel::ClearAndSelect |
                                                           QItemSelectionModel::Rows);
            m_table->scrollTo(m_ctx.filtered()->index(row, 0));
        }
        updateActions();
    });
    connect(m_details, &DetailsPane::loaded, this, [this](qint64 rowId, const EvalResult& r) {
        if (m_pendingRowId != 0 && m_pendingRowId == rowId) {
            EvalRequest req = r.request;
            req.id.clear();
            req.source = "submit";
            m_pendingRowId = 0;
            Q_EMIT m_ctx.submitRequested(req, m_pendingRun);
            Q_EMIT m_ctx.panelRequested(u"submit"_s);
        }
    });
    connect(&ctx, &AppContext::storeFailed, this, [this](const QString& msg) { showMessage(msg, true); });
    if (!ctx.storeError().isEmpty())
        showMessage(ctx.storeError(), true);
    // An empty table says why: nothing stored yet, the store failed (the message above), or the
    // filters hide every row.
    auto* hint = EmptyViewHint::install(m_table, [this] {
        if (!m_ctx.storeError().isEmpty())
            return tr("The history could not be opened (see the message above).");
        if (!m_ctx.storeReady())
            return tr("Opening the history…");
        const HistoryModel* h = m_ctx.filtered()->historyModel();
        if (h && h->rowCount() > 0)
            return tr("No evaluation matches these filters. Clear shows all %1.").arg(h->rowCount());
        return tr("No evaluations yet.\n\nSubmit a kernel (Submit, Ctrl+Return), follow a training run "
                  "(Training) or the Modal app's logs (Deployment): every result is kept here.");
    });
    connect(&ctx, &AppContext::storeFailed, hint, &EmptyViewHint::refresh);
    connect(&ctx, &AppContext::storeOpened, hint, &EmptyViewHint::refresh);
    updateActions();
}

EvaluationsPanel::~EvaluationsPanel()
{
    delete m_bridge; // cancels a running export and waits for it
}

void EvaluationsPanel::saveState()
{
    m_ctx.settings().setPanelState(info().id, kHeaderState, m_table->horizontalHeader()->saveState());
    m_ctx.settings().setPanelState(info().id, u"splitter"_s, m_split->saveState());
}

void EvaluationsPanel::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(
        error ? u"QLabel { border: 1px solid #d23f3f; border-left: 4px solid #d23f3f;"
                " border-radius: 4px; padding: 6px 8px; background: palette(base); }"_s
              : u"QLabel { border: 1px solid palette(mid); border-left: 4px solid palette(highlight);"
                " border-radius: 4px; padding: 6px 8px; background: palette(base); }"_s);
    m_message->show();
    // Done-messages (an export) go away by themselves; errors stay until the next message.
    if (error)
        m_messageTimer.stop();
    else
        m_messageTimer.start();
}

QString EvaluationsPanel::messageText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

std::vector<std::int64_t> EvaluationsPanel::selectedRowIds() const
{
    std::vector<std::int64_t> ids;
    for (const QModelIndex& i : m_table->selectionModel()->selectedRows())
        ids.push_back(i.data(HistoryModel::RowIdRole).toLongLong());
    return ids;
}

std::vector<std::int64_t> EvaluationsPanel::filteredRowIds() const
{
    const HistoryFilterModel* f = m_ctx.filtered();
    const HistoryModel* h = f->historyModel();
    std::vector<std::int64_t> ids;
    ids.reserve(f->sourceRows().size());
    for (int s : f->sourceRows())
        ids.push_back(h->row(s).rowId);
    return ids;
}

void EvaluationsPanel::onCurrentChanged()
{
    const QModelIndex cur = m_table->selectionModel()->currentIndex();
    if (!cur.isValid())
        return;
    m_currentRowId = cur.data(HistoryModel::RowIdRole).toLongLong();
    m_details->showRow(m_currentRowId);
}

void EvaluationsPanel::updateActions()
{
    const auto n = m_table->selectionModel()->selectedRows().size();
    m_rerun->setEnabled(n == 1);
    m_open->setEnabled(n == 1);
    m_compare->setEnabled(n == 2);
    m_export->setEnabled(!m_bridge->exporting() && m_ctx.filtered()->rowCount() > 0);
}

void EvaluationsPanel::openSelectedInSubmit(bool runNow)
{
    const auto ids = selectedRowIds();
    if (ids.size() != 1) {
        showMessage(tr("Select one evaluation first."), false);
        return;
    }
    const std::int64_t rowId = ids.front();
    if (m_details->current() && m_currentRowId == rowId && !m_details->loading()) {
        EvalRequest req = m_details->current()->request;
        req.id.clear();
        req.source = "submit";
        Q_EMIT m_ctx.submitRequested(req, runNow);
        Q_EMIT m_ctx.panelRequested(u"submit"_s);
        return;
    }
    // Details still loading: act when they arrive.
    m_pendingRun = runNow;
    m_pendingRowId = rowId;
    m_currentRowId = rowId;
    m_details->showRow(rowId);
}

void EvaluationsPanel::rerunSelected()
{
    openSelectedInSubmit(true);
}

void EvaluationsPanel::compareSelected()
{
    const auto ids = selectedRowIds();
    if (ids.size() != 2) {
        showMessage(tr("Select exactly two evaluations (Ctrl+click) to compare them."), false);
        return;
    }
    auto* dlg = new CompareDialog(m_ctx, ids[0], ids[1], this);
    dlg->show();
}

void EvaluationsPanel::exportDialog(HistoryExporter::Format format)
{
    const bool csv = format == HistoryExporter::Format::Csv;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path =
        QFileDialog::getSaveFileName(this, csv ? tr("Export as CSV") : tr("Export as JSONL"),
                                     dir + (csv ? u"/kernelwatch.csv"_s : u"/kernelwatch.jsonl"_s),
                                     csv ? tr("CSV (*.csv)") : tr("JSON lines (*.jsonl)"));
    if (!path.isEmpty())
        exportTo(path, format);
}

void EvaluationsPanel::exportTo(const QString& path, HistoryExporter::Format format)
{
    if (!m_ctx.store()) {
        showMessage(tr("The history store is not open, so nothing can be exported."), true);
        Q_EMIT exportFinished(0, m_message->text());
        return;
    }
    if (m_bridge->exporting()) {
        showMessage(tr("An export is already running."), false);
        return;
    }
    auto ids = filteredRowIds();
    const auto count = ids.size();
    m_bridge->exportRows(std::move(ids), format, path, [this](const HistoryExporter::Outcome& o) {
        m_export->setEnabled(true);
        if (o.error.isEmpty())
            showMessage(tr("Exported %1 evaluations.").arg(o.written), false);
        else
            showMessage(o.error, true);
        Q_EMIT exportFinished(o.written, o.error);
    });
    showMessage(tr("Exporting %1 evaluations to %2…").arg(count).arg(path), false);
    m_export->setEnabled(false);
}

bool EvaluationsPanel::busy() const
{
    return m_details->loading() || m_bridge->exporting();
}

void EvaluationsPanel::prepareScreenshot()
{
    // Select the newest correct evaluation so the details pane shows a full result.
    const HistoryFilterModel* f = m_ctx.filtered();
    int pick = -1;
    for (int r = 0; r < std::min(f->rowCount(), 200); ++r) {
        if (f->index(r, 0).data(HistoryModel::StatusRole).toInt() == static_cast<int>(EvalStatus::Correct)) {
            pick = r;
            break;
        }
    }
    if (pick < 0 && f->rowCount() > 0)
        pick = 0;
    if (pick >= 0)
        m_table->selectionModel()->setCurrentIndex(f->index(pick, 0), QItemSelectionModel::ClearAndSelect |
                                                                          QItemSelectionModel::Rows);
}

} // namespace kw::ui
