#include "ui/base/Theme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
void setAll(QPalette& p, QPalette::ColorRole role, const QColor& c)
{
    p.setColor(role, c);
}
void setDisabled(QPalette& p, QPalette::ColorRole role, const QColor& c)
{
    p.setColor(QPalette::Disabled, role, c);
}
} // namespace

QPalette Theme::light()
{
    QPalette p;
    setAll(p, QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
    setAll(p, QPalette::WindowText, QColor(0x1d, 0x1f, 0x23));
    setAll(p, QPalette::Base, QColor(0xff, 0xff, 0xff));
    setAll(p, QPalette::AlternateBase, QColor(0xf6, 0xf7, 0xf9));
    setAll(p, QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf2));
    setAll(p, QPalette::ToolTipText, QColor(0x1d, 0x1f, 0x23));
    setAll(p, QPalette::PlaceholderText, QColor(0x8a, 0x8f, 0x98));
    setAll(p, QPalette::Text, QColor(0x1d, 0x1f, 0x23));
    setAll(p, QPalette::Button, QColor(0xeb, 0xed, 0xf0));
    setAll(p, QPalette::ButtonText, QColor(0x1d, 0x1f, 0x23));
    setAll(p, QPalette::BrightText, Qt::white);
    setAll(p, QPalette::Light, Qt::white);
    setAll(p, QPalette::Midlight, QColor(0xe2, 0xe4, 0xe8));
    setAll(p, QPalette::Mid, QColor(0xc4, 0xc8, 0xce));
    setAll(p, QPalette::Dark, QColor(0x9a, 0x9f, 0xa8));
    setAll(p, QPalette::Shadow, QColor(0x60, 0x64, 0x6b));
    setAll(p, QPalette::Highlight, QColor(0x2f, 0x6f, 0xd6));
    setAll(p, QPalette::HighlightedText, Qt::white);
    setAll(p, QPalette::Link, QColor(0x1f, 0x5f, 0xc4));
    setAll(p, QPalette::LinkVisited, QColor(0x6b, 0x3f, 0xb5));
    setDisabled(p, QPalette::Text, QColor(0xa0, 0xa4, 0xab));
    setDisabled(p, QPalette::WindowText, QColor(0xa0, 0xa4, 0xab));
    setDisabled(p, QPalette::ButtonText, QColor(0xa0, 0xa4, 0xab));
    return p;
}

QPalette Theme::dark()
{
    QPalette p;
    setAll(p, QPalette::Window, QColor(0x26, 0x28, 0x2d));
    setAll(p, QPalette::WindowText, QColor(0xe3, 0xe5, 0xe8));
    setAll(p, QPalette::Base, QColor(0x1b, 0x1d, 0x21));
    setAll(p, QPalette::AlternateBase, QColor(0x23, 0x25, 0x2a));
    setAll(p, QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3c));
    setAll(p, QPalette::ToolTipText, QColor(0xe3, 0xe5, 0xe8));
    setAll(p, QPalette::PlaceholderText, QColor(0x80, 0x85, 0x8e));
    setAll(p, QPalette::Text, QColor(0xe3, 0xe5, 0xe8));
    setAll(p, QPalette::Button, QColor(0x32, 0x35, 0x3b));
    setAll(p, QPalette::ButtonText, QColor(0xe3, 0xe5, 0xe8));
    setAll(p, QPalette::BrightText, Qt::white);
    setAll(p, QPalette::Light, QColor(0x45, 0x49, 0x50));
    setAll(p, QPalette::Midlight, QColor(0x3a, 0x3d, 0x43));
    setAll(p, QPalette::Mid, QColor(0x2c, 0x2f, 0x34));
    setAll(p, QPalette::Dark, QColor(0x16, 0x17, 0x1a));
    setAll(p, QPalette::Shadow, QColor(0x0c, 0x0c, 0x0e));
    setAll(p, QPalette::Highlight, QColor(0x3b, 0x78, 0xd8));
    setAll(p, QPalette::HighlightedText, Qt::white);
    setAll(p, QPalette::Link, QColor(0x6c, 0xb0, 0xff));
    setAll(p, QPalette::LinkVisited, QColor(0xb3, 0x8c, 0xf5));
    setDisabled(p, QPalette::Text, QColor(0x6c, 0x70, 0x78));
    setDisabled(p, QPalette::WindowText, QColor(0x6c, 0x70, 0x78));
    setDisabled(p, QPalette::ButtonText, QColor(0x6c, 0x70, 0x78));
    return p;
}

void Theme::apply(Settings::Theme theme)
{
    static const QPalette platform = QApplication::palette(); // what the desktop gave us
    if (QApplication::style()->name().compare(u"fusion"_s, Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    switch (theme) {
    case Settings::Theme::Dark:
        QApplication::setPalette(dark());
        break;
    case Settings::Theme::Light:
        QApplication::setPalette(light());
        break;
    case Settings::Theme::System:
        QApplication::setPalette(platform);
        break;
    }
    // Style sheets resolve palette(...) when they are applied: set them again so the sidebar,
    // the result card and the banners follow the new palette instead of keeping the old one.
    for (QWidget* w : QApplication::allWidgets())
        if (!w->styleSheet().isEmpty())
            w->setStyleSheet(w->styleSheet());
}

bool Theme::isDark()
{
    return QApplication::palette().color(QPalette::Base).lightness() < 128;
}

} // namespace kw::ui
