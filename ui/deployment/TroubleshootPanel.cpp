#include "ui/deployment/TroubleshootPanel.h"

#include "ui/base/Format.h"
#include "ui/services/AppContext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace kw::ui {

namespace {
// QTreeView sizes rows without the column widths, so word-wrapped text would get one line: this
// delegate measures each cell at its column's width.
class WrappingDelegate : public QStyledItemDelegate
{
public:
    WrappingDelegate(QHeaderView* header, QObject* parent) : QStyledItemDelegate(parent), m_header(header) {}

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        // The style wraps only within a valid rect: a height is needed too, any will do.
        opt.rect = QRect(0, 0, m_header->sectionSize(index.column()), option.fontMetrics.height());
        return QStyledItemDelegate::sizeHint(opt, index);
    }

private:
    QHeaderView* m_header;
};
} // namespace

PanelInfo TroubleshootPanel::info()
{
    return {QStringLiteral("troubleshoot"), tr("Troubleshoot"), QStringLiteral("troubleshoot"),
            tr("Check the Modal setup: CLI, token, app, endpoint, timeouts, GPU type")};
}

TroubleshootPanel::TroubleshootPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_bridge(new DeploymentBridge(ctx, this))
{
    auto* root = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_run = new QPushButton(tr("Run checks"), this);
    m_run->setObjectName(QStringLiteral("runChecks"));
    connect(m_run, &QPushButton::clicked, this, &TroubleshootPanel::runChecks);
    m_summary =
        new QLabel(tr("Checks the Modal CLI, token, deployed app, endpoint, timeouts and GPU type."), this);
    top->addWidget(m_run);
    top->addWidget(m_summary, 1);
    root->addLayout(top);
    m_list = new QTreeWidget(this);
    m_list->setColumnCount(4);
    m_list->setHeaderLabels({tr("Result"), tr("Check"), tr("Found"), tr("Fix")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    // Found and Fix are sentences: wrap them in rows as tall as they need, never elide them.
    m_list->setWordWrap(true);
    m_list->setTextElideMode(Qt::ElideNone);
    m_list->setUniformRowHeights(false);
    QHeaderView* header = m_list->header();
    header->setStretchLastSection(true);
    header->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    // Found and Fix share what the Check column leaves, so a fix is never cut at the right edge.
    m_list->setColumnWidth(1, 210);
    header->setSectionResizeMode(2, QHeaderView::Stretch);
    header->setSectionResizeMode(3, QHeaderView::Stretch);
    m_list->setItemDelegate(new WrappingDelegate(header, m_list));
    // Row heights follow the column widths only after a relayout.
    connect(
        header, &QHeaderView::sectionResized, m_list, [this] { m_list->doItemsLayout(); },
        Qt::QueuedConnection);
    root->addWidget(m_list, 1);
    addPanelAction(tr("Run checks"), {}, [this] { runChecks(); });
    connect(m_bridge, &DeploymentBridge::checked, this, &TroubleshootPanel::addCheck);
    connect(m_bridge, &DeploymentBridge::checksEnded, this, [this](int failed) {
        m_run->setEnabled(true);
        m_summary->setText(failed == 0 ? tr("✓ All checks passed")
                                       : tr("✗ %1 failed; see the fixes below")
                                             .arg(Format::count(failed, tr("check"), tr("checks"))));
    });
}

void TroubleshootPanel::showEvent(QShowEvent* event)
{
    Panel::showEvent(event);
    if (!m_ranOnce && m_ctx.servicesStarted())
        QTimer::singleShot(0, this, &TroubleshootPanel::runChecks);
}

void TroubleshootPanel::runChecks()
{
    m_ranOnce = true;
    if (running())
        return;
    m_run->setEnabled(false);
    m_list->clear();
    m_summary->setText(tr("Running checks…"));
    m_bridge->runChecks();
}

void TroubleshootPanel::addCheck(const DeploymentBridge::Check& c)
{
    auto* item = new QTreeWidgetItem(m_list);
    item->setText(0, c.skipped ? tr("skipped") : c.ok ? tr("✓ pass") : tr("✗ fail"));
    item->setTextAlignment(0, Qt::AlignLeft | Qt::AlignTop);
    item->setForeground(0, c.skipped ? QColor(0x88, 0x88, 0x88)
                           : c.ok    ? QColor(0x27, 0xae, 0x60)
                                     : QColor(0xc0, 0x39, 0x2b));
    item->setText(1, c.title);
    item->setText(2, c.detail);
    item->setText(3, c.fix);
    item->setToolTip(1, c.title);
    item->setToolTip(2, c.detail);
    item->setToolTip(3, c.fix);
    for (int col = 1; col < 4; ++col)
        item->setTextAlignment(col, Qt::AlignLeft | Qt::AlignTop);
    item->setData(0, Qt::UserRole, c.id);
}

} // namespace kw::ui
