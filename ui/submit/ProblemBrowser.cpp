#include "ui/submit/ProblemBrowser.h"

#include "ui/base/Settings.h"

#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kw::ui {

ProblemBrowser::ProblemBrowser(Settings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_folder(new QLabel(this)),
      m_choose(new QPushButton(tr("Choose folder…"), this)), m_filter(new QLineEdit(this)),
      m_tree(new QTreeWidget(this)), m_hint(new QLabel(this))
{
    auto* title = new QLabel(tr("KernelBench problems"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    m_folder->setForegroundRole(QPalette::PlaceholderText);
    m_folder->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_filter->setPlaceholderText(tr("Filter problems"));
    m_filter->setClearButtonEnabled(true);
    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setToolTip(tr("Double-click (or Enter) to load a problem as the reference"));
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(4);
    l->addWidget(title);
    l->addWidget(m_folder);
    l->addWidget(m_choose);
    l->addWidget(m_filter);
    l->addWidget(m_tree, 1);
    l->addWidget(m_hint);

    connect(m_choose, &QPushButton::clicked, this, &ProblemBrowser::chooseFolder);
    connect(m_filter, &QLineEdit::textChanged, this, &ProblemBrowser::applyFilter);
    connect(m_tree, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem* item, int) { activate(item); });
    setFolder(settings.kernelBenchDir());
}

ProblemBrowser::~ProblemBrowser() = default;

void ProblemBrowser::chooseFolder()
{
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("KernelBench checkout"), m_settings.kernelBenchDir());
    if (dir.isEmpty())
        return;
    m_settings.setKernelBenchDir(dir);
    setFolder(dir);
}

void ProblemBrowser::setFolder(const QString& dir)
{
    m_tree->clear();
    if (dir.isEmpty()) {
        m_scanning.discard();
        m_folder->setText(tr("No folder chosen"));
        m_hint->setText(
            tr("Choose your KernelBench checkout to pick reference problems from level1 … level4. "
               "You can also open any problem file above the editor."));
        return;
    }
    m_folder->setText(QDir::toNativeSeparators(dir));
    m_folder->setToolTip(dir);
    m_hint->setText(tr("Reading %1 …").arg(dir));
    // The latest folder wins: a scan of a folder chosen before is not shown.
    m_scanning.start([dir] { return KernelBenchScanner::scan(dir); },
                     [this](KernelBenchScan scan) {
                         m_scan = std::move(scan);
                         populate();
                     });
}

void ProblemBrowser::populate()
{
    m_tree->clear();
    if (!m_scan.error.isEmpty()) {
        m_hint->setText(m_scan.error);
        return;
    }
    QTreeWidgetItem* levelItem = nullptr;
    QString level;
    int count = 0;
    auto closeLevel = [&] {
        if (levelItem)
            levelItem->setText(0, tr("%1  (%2)").arg(level, QString::number(count)));
    };
    for (const auto& p : m_scan.problems) {
        if (p.level != level) {
            closeLevel();
            level = p.level;
            count = 0;
            levelItem = new QTreeWidgetItem(m_tree);
            levelItem->setFlags(Qt::ItemIsEnabled);
        }
        auto* item = new QTreeWidgetItem(levelItem);
        item->setText(0, p.name);
        item->setToolTip(0, p.path);
        item->setData(0, Qt::UserRole, p.path);
        item->setData(0, Qt::UserRole + 1, p.id());
        ++count;
    }
    closeLevel();
    if (m_tree->topLevelItemCount() > 0)
        m_tree->topLevelItem(0)->setExpanded(true);
    m_hint->setText(
        tr("%1 problems. Double-click one to load it as the reference.").arg(m_scan.problems.size()));
    applyFilter(m_filter->text());
}

void ProblemBrowser::applyFilter(const QString& text)
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* level = m_tree->topLevelItem(i);
        int visible = 0;
        for (int j = 0; j < level->childCount(); ++j) {
            QTreeWidgetItem* c = level->child(j);
            const bool show = text.isEmpty() || c->text(0).contains(text, Qt::CaseInsensitive);
            c->setHidden(!show);
            visible += show ? 1 : 0;
        }
        level->setHidden(visible == 0);
        if (!text.isEmpty() && visible > 0)
            level->setExpanded(true);
    }
}

void ProblemBrowser::activate(QTreeWidgetItem* item)
{
    const QString path = item ? item->data(0, Qt::UserRole).toString() : QString();
    if (!path.isEmpty())
        Q_EMIT problemChosen(path, item->data(0, Qt::UserRole + 1).toString());
}

} // namespace kw::ui
