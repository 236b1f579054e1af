#pragma once

#include <QObject>

class QWidget;

namespace kw::ui {

// Spin boxes and combo boxes take the mouse wheel only once they have focus (clicked or
// tabbed into): scrolling a form over them scrolls the form instead of changing a value
// unnoticed (Modal timeout 300 → 294).
class WheelGuard : public QObject
{
    Q_OBJECT
public:
    // Guards every spin box and combo box under `root` (created so far).
    static void install(QWidget* root);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit WheelGuard(QObject* parent) : QObject(parent) {}
};

} // namespace kw::ui
