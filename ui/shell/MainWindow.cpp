#include "ui/shell/MainWindow.h"
#include "core/base/Version.h"

#include "ui/base/Icons.h"
#include "ui/base/Settings.h"
#include "ui/base/Theme.h"
#include "ui/services/AppContext.h"
#include "ui/shell/StatusSummary.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace kw::ui {

MainWindow::MainWindow(AppContext& ctx, const PanelRegistry& registry, QWidget* parent)
    : QMainWindow(parent), m_ctx(ctx), m_sidebar(new QListWidget(this)), m_stack(new QStackedWidget(this)),
      m_summary(new StatusSummary(ctx, this))
{
    setWindowTitle(tr("kernelwatch"));
    setWindowIcon(Icons::app());

    m_sidebar->setObjectName(u"sidebar"_s);
    m_sidebar->setFixedWidth(160);
    m_sidebar->setIconSize(QSize(22, 22));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setSpacing(2);
    m_sidebar->setFocusPolicy(Qt::NoFocus);
    m_sidebar->setStyleSheet(
        u"QListWidget#sidebar { background: palette(alternate-base); border-right: 1px solid palette(mid);"
        " padding-top: 8px; }"
        "QListWidget#sidebar::item { padding: 9px 10px; margin: 0 6px; border-radius: 6px; }"
        "QListWidget#sidebar::item:selected { background: palette(highlight); color: "
        "palette(highlighted-text); }"
        "QListWidget#sidebar::item:hover:!selected { background: palette(midlight); }"_s);

    for (const auto& entry : registry.entries()) {
        Panel* p = entry.create(ctx, m_stack);
        p->setObjectName(entry.info.id);
        m_infos.push_back(entry.info);
        m_panels.push_back(p);
        m_stack->addWidget(p);
        auto* item = new QListWidgetItem(entry.info.title, m_sidebar);
        item->setToolTip(entry.info.toolTip);
        QFont f = item->font();
        f.setPointSizeF(f.pointSizeF() + 0.5);
        item->setFont(f);
    }
    refreshIcons();
    connect(m_sidebar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sidebar);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(m_summary);
    statusBar()->setSizeGripEnabled(false);

    connect(&ctx, &AppContext::panelRequested, this, &MainWindow::showPanel);
    connect(&ctx, &AppContext::statusMessage, this,
            [this](const QString& text, int ms) { statusBar()->showMessage(text, ms); });
    connect(&ctx.settings(), &Settings::themeChanged, this, [](Settings::Theme t) { Theme::apply(t); });

    buildMenus();
    restoreWindowState();
}

MainWindow::~MainWindow() = default;

void MainWindow::refreshIcons()
{
    const QColor normal = palette().color(QPalette::WindowText);
    for (int i = 0; i < m_sidebar->count() && i < static_cast<int>(m_infos.size()); ++i)
        m_sidebar->item(i)->setIcon(Icons::panel(m_infos[static_cast<std::size_t>(i)].icon, normal));
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        refreshIcons();
    QMainWindow::changeEvent(event);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        Panel* p = m_panels[i];
        const QList<QAction*> actions = p->panelActions();
        if (actions.isEmpty())
            continue;
        QMenu* menu = menuBar()->addMenu(m_infos[i].title);
        const QString id = m_infos[i].id;
        for (QAction* a : actions) {
            if (a->isSeparator()) {
                menu->addSeparator();
                continue;
            }
            menu->addAction(a);
            connect(a, &QAction::triggered, this, [this, id] { showPanel(id); });
        }
    }

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (std::size_t i = 0; i < m_infos.size(); ++i) {
        QAction* a = view->addAction(m_infos[i].title);
        if (i < 9)
            a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + static_cast<int>(i))));
        const QString id = m_infos[i].id;
        connect(a, &QAction::triggered, this, [this, id] { showPanel(id); });
    }
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    m_themeGroup = new QActionGroup(this);
    const std::pair<Settings::Theme, QString> themes[] = {{Settings::Theme::System, tr("&System")},
                                                          {Settings::Theme::Light, tr("&Light")},
                                                          {Settings::Theme::Dark, tr("&Dark")}};
    for (const auto& [t, name] : themes) {
        QAction* a = theme->addAction(name);
        a->setCheckable(true);
        a->setChecked(m_ctx.settings().theme() == t);
        m_themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, t = t] { m_ctx.settings().setTheme(t); });
    }
    QAction* toggleDark = view->addAction(tr("Toggle &dark mode"));
    toggleDark->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    connect(toggleDark, &QAction::triggered, this, [this] {
        m_ctx.settings().setTheme(Theme::isDark() ? Settings::Theme::Light : Settings::Theme::Dark);
        const int idx = Theme::isDark() ? 2 : 1;
        m_themeGroup->actions().at(idx)->setChecked(true);
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About kernelwatch"), this, &MainWindow::about);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About kernelwatch"),
                       tr("<h3>kernelwatch %1</h3><p>Commit %2</p>"
                          "<p>Evaluate GPU kernels against KernelBench references, watch training "
                          "evaluations live, and keep every result in a local history.</p>")
                           .arg(QStringLiteral(KW_VERSION), QString::fromLatin1(kw::gitCommit())));
}

Panel* MainWindow::panel(const QString& id) const
{
    for (std::size_t i = 0; i < m_infos.size(); ++i)
        if (m_infos[i].id == id)
            return m_panels[i];
    return nullptr;
}

QString MainWindow::currentPanelId() const
{
    const int i = m_stack->currentIndex();
    return i >= 0 && i < static_cast<int>(m_infos.size()) ? m_infos[static_cast<std::size_t>(i)].id
                                                          : QString();
}

void MainWindow::showPanel(const QString& id)
{
    for (std::size_t i = 0; i < m_infos.size(); ++i)
        if (m_infos[i].id == id)
            m_sidebar->setCurrentRow(static_cast<int>(i));
}

bool MainWindow::busy() const
{
    if (m_ctx.busy())
        return true;
    for (Panel* p : m_panels)
        if (p->busy())
            return true;
    return false;
}

void MainWindow::restoreWindowState()
{
    const Settings& s = m_ctx.settings();
    if (!restoreGeometry(s.windowGeometry()))
        resize(1400, 900);
    restoreState(s.windowState());
    const QString current = s.currentPanel();
    m_sidebar->setCurrentRow(0);
    if (!current.isEmpty())
        showPanel(current);
}

void MainWindow::saveWindowState()
{
    Settings& s = m_ctx.settings();
    s.setWindowGeometry(saveGeometry());
    s.setWindowState(saveState());
    s.setCurrentPanel(currentPanelId());
    for (Panel* p : m_panels)
        p->saveState();
    s.sync();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    for (Panel* p : m_panels) {
        if (!p->confirmClose()) {
            event->ignore();
            return;
        }
    }
    if (m_persistent)
        saveWindowState();
    QMainWindow::closeEvent(event);
}

} // namespace kw::ui
