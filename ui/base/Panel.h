#pragma once

#include <QKeySequence>
#include <QList>
#include <QWidget>

#include <functional>

class QAction;

namespace kw::ui {

class AppContext;

// What the main window needs to place a panel in its sidebar.
struct PanelInfo
{
    QString id;    // "submit"; also the settings key for the panel's state
    QString title; // "Submit"
    QString icon;  // a glyph name known to Icons::panel(): submit, evaluations, charts, settings,
                   // deployment, troubleshoot, training
    QString toolTip;
};

// Base of every sidebar panel. A panel owns its widgets and actions; the main window only
// arranges panels, puts their actions in a menu named after the panel, and shows the panel
// when one of its actions fires. Subclasses provide `static PanelInfo info()` and a
// (AppContext&, QWidget*) constructor, and are registered with one line in BuiltinPanels.cpp.
class Panel : public QWidget
{
    Q_OBJECT
public:
    explicit Panel(AppContext& ctx, QWidget* parent = nullptr);

    QList<QAction*> panelActions() const { return m_actions; }
    // Called before the window closes: persist splitter sizes and the like through Settings.
    virtual void saveState() {}
    // Asked before the main window closes; false keeps the window open (the user cancelled).
    virtual bool confirmClose() { return true; }
    // Headless rendering with --demo: put something representative on screen.
    virtual void prepareScreenshot() {}
    // True while the panel is still loading what a screenshot should show.
    virtual bool busy() const { return false; }

protected:
    QAction* addPanelAction(const QString& text, const QKeySequence& shortcut, std::function<void()> slot,
                            const QString& toolTip = {});
    AppContext& m_ctx;

private:
    QList<QAction*> m_actions;
};

} // namespace kw::ui
