#pragma once

#include "ui/shell/PanelRegistry.h"

#include <QMainWindow>

class QActionGroup;
class QListWidget;
class QStackedWidget;

namespace kw::ui {

class AppContext;
class StatusSummary;

// Arranges the registered panels: a sidebar to switch between them, one menu per panel with
// its actions, View and Help menus, the status bar. Owns no feature of its own.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(AppContext& ctx, const PanelRegistry& registry, QWidget* parent = nullptr);
    ~MainWindow() override;

    Panel* panel(const QString& id) const;
    QString currentPanelId() const;
    void showPanel(const QString& id);
    // When false (screenshots, tests) the window does not write its state to the settings.
    void setPersistent(bool persistent) { m_persistent = persistent; }
    bool busy() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildMenus();
    void refreshIcons();
    void restoreWindowState();
    void saveWindowState();
    void about();

    AppContext& m_ctx;
    std::vector<PanelInfo> m_infos;
    std::vector<Panel*> m_panels;
    QListWidget* m_sidebar;
    QStackedWidget* m_stack;
    StatusSummary* m_summary;
    QActionGroup* m_themeGroup = nullptr;
    bool m_persistent = true;
};

} // namespace kw::ui
