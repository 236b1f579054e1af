#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

class QPainter;
class QRectF;

namespace kw::ui {

// Icons drawn with QPainter (no SVG plugin needed): the application icon and the sidebar
// glyphs, drawn in the palette's text colour so they follow light and dark themes.
class Icons
{
public:
    static QIcon app();
    static void paintApp(QPainter& p, const QRectF& r);
    // submit, evaluations, charts, settings, deployment, troubleshoot, training
    static QIcon panel(const QString& name, const QColor& color);
    static void paintGlyph(QPainter& p, const QString& name, const QRectF& r, const QColor& color);
    // Writes kernelwatch-<size>.png for the usual icon sizes into `dir`; false on error.
    static bool writeAppIconPngs(const QString& dir);
};

} // namespace kw::ui
