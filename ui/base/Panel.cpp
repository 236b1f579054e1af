#include "ui/base/Panel.h"

#include <QAction>

namespace kw::ui {

Panel::Panel(AppContext& ctx, QWidget* parent) : QWidget(parent), m_ctx(ctx) {}

QAction* Panel::addPanelAction(const QString& text, const QKeySequence& shortcut, std::function<void()> slot,
                               const QString& toolTip)
{
    auto* a = new QAction(text, this);
    if (!shortcut.isEmpty()) {
        a->setShortcut(shortcut);
        a->setShortcutContext(Qt::WindowShortcut);
    }
    if (!toolTip.isEmpty())
        a->setToolTip(toolTip);
    connect(a, &QAction::triggered, this, [slot = std::move(slot)] { slot(); });
    m_actions << a;
    return a;
}

} // namespace kw::ui
