#include "ui/widgets/WheelGuard.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QWidget>

namespace kw::ui {

void WheelGuard::install(QWidget* root)
{
    auto* guard = root->findChild<WheelGuard*>(QString(), Qt::FindDirectChildrenOnly);
    if (!guard)
        guard = new WheelGuard(root);
    QList<QWidget*> widgets;
    for (auto* w : root->findChildren<QAbstractSpinBox*>())
        widgets << w;
    for (auto* w : root->findChildren<QComboBox*>())
        widgets << w;
    for (QWidget* w : widgets) {
        w->setFocusPolicy(Qt::StrongFocus);
        w->removeEventFilter(guard);
        w->installEventFilter(guard);
    }
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Wheel) {
        auto* w = qobject_cast<QWidget*>(watched);
        if (w && !w->hasFocus()) {
            event->ignore(); // passed on to the scroll area around the form
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace kw::ui
