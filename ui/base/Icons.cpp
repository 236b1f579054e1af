#include "ui/base/Icons.h"

#include <QDir>
#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

void Icons::paintApp(QPainter& p, const QRectF& r)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const double s = r.width() / 64.0; // designed on a 64×64 grid
    p.translate(r.topLeft());
    p.scale(s, s);

    // Tile: deep blue to teal.
    QLinearGradient bg(0, 0, 64, 64);
    bg.setColorAt(0, QColor(0x1d, 0x2b, 0x53));
    bg.setColorAt(1, QColor(0x0e, 0x74, 0x73));
    p.setPen(Qt::NoPen);
    p.setBrush(bg);
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 13, 13);

    // Chip with pins.
    const QColor chip(0xe8, 0xf1, 0xf8);
    QPen pin(chip, 2.4, Qt::SolidLine, Qt::RoundCap);
    p.setPen(pin);
    for (int i = 0; i < 3; ++i) {
        const double c = 22 + i * 10;
        p.drawLine(QPointF(c, 9), QPointF(c, 14));
        p.drawLine(QPointF(c, 50), QPointF(c, 55));
        p.drawLine(QPointF(9, c), QPointF(14, c));
        p.drawLine(QPointF(50, c), QPointF(55, c));
    }
    p.setPen(QPen(chip, 2.6));
    p.setBrush(QColor(0x12, 0x1c, 0x36, 200));
    p.drawRoundedRect(QRectF(15, 15, 34, 34), 5, 5);

    // Speedup trace: a pulse that ends high, with a bright head.
    QPainterPath trace;
    trace.moveTo(19, 39);
    trace.lineTo(25, 39);
    trace.lineTo(28.5, 31);
    trace.lineTo(32, 42);
    trace.lineTo(36, 27);
    trace.lineTo(40.5, 23);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0x4a, 0xde, 0x80), 3.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(trace);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0xbb, 0xf7, 0xd0));
    p.drawEllipse(QPointF(41.5, 22.5), 3.3, 3.3);
    p.restore();
}

QIcon Icons::app()
{
    static QIcon icon = [] {
        QIcon i;
        for (int size : {16, 24, 32, 48, 64, 128, 256}) {
            QPixmap pm(size, size);
            pm.fill(Qt::transparent);
            QPainter p(&pm);
            paintApp(p, QRectF(0, 0, size, size));
            p.end();
            i.addPixmap(pm);
        }
        return i;
    }();
    return icon;
}

bool Icons::writeAppIconPngs(const QString& dir)
{
    QDir().mkpath(dir);
    for (int size : {16, 32, 48, 64, 128, 256, 512}) {
        QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::transparent);
        QPainter p(&img);
        paintApp(p, QRectF(0, 0, size, size));
        p.end();
        if (!img.save(dir + u"/kernelwatch-"_s + QString::number(size) + u".png"_s))
            return false;
    }
    return true;
}

void Icons::paintGlyph(QPainter& p, const QString& name, const QRectF& r, const QColor& color)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.translate(r.topLeft());
    p.scale(r.width() / 24.0, r.height() / 24.0); // 24×24 grid
    QPen pen(color, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);

    if (name == u"submit"_s) {
        p.drawRoundedRect(QRectF(3, 4, 18, 16), 2.5, 2.5);
        QPainterPath tri;
        tri.moveTo(10, 8.5);
        tri.lineTo(15.5, 12);
        tri.lineTo(10, 15.5);
        tri.closeSubpath();
        p.setBrush(color);
        p.drawPath(tri);
    } else if (name == u"evaluations"_s) {
        p.drawRoundedRect(QRectF(3, 4, 18, 16), 2, 2);
        p.drawLine(QPointF(3, 9), QPointF(21, 9));
        p.drawLine(QPointF(3, 14.5), QPointF(21, 14.5));
        p.drawLine(QPointF(9, 4), QPointF(9, 20));
    } else if (name == u"charts"_s) {
        p.drawLine(QPointF(3.5, 20.5), QPointF(20.5, 20.5));
        p.setBrush(color);
        p.setPen(Qt::NoPen);
        p.drawRoundedRect(QRectF(5, 13, 3.2, 6), 0.8, 0.8);
        p.drawRoundedRect(QRectF(10.4, 9, 3.2, 10), 0.8, 0.8);
        p.drawRoundedRect(QRectF(15.8, 5, 3.2, 14), 0.8, 0.8);
    } else if (name == u"settings"_s) {
        QPainterPath gear;
        const int teeth = 8;
        for (int i = 0; i < teeth * 2; ++i) {
            const double a0 = (i - 0.5) * M_PI / teeth, a1 = (i + 0.5) * M_PI / teeth;
            const double rad = (i % 2 == 0) ? 9.0 : 7.0;
            const QPointF p0(12 + rad * std::cos(a0), 12 + rad * std::sin(a0));
            const QPointF p1(12 + rad * std::cos(a1), 12 + rad * std::sin(a1));
            if (i == 0)
                gear.moveTo(p0);
            else
                gear.lineTo(p0);
            gear.lineTo(p1);
        }
        gear.closeSubpath();
        p.drawPath(gear);
        p.drawEllipse(QPointF(12, 12), 3, 3);
    } else if (name == u"deployment"_s) {
        QPainterPath cloud;
        cloud.moveTo(7, 18);
        cloud.cubicTo(3, 18, 3, 12, 7.5, 12);
        cloud.cubicTo(8, 7, 15, 6, 16.5, 10.5);
        cloud.cubicTo(21, 10, 22, 18, 17, 18);
        cloud.closeSubpath();
        p.drawPath(cloud);
        p.drawLine(QPointF(12, 20.5), QPointF(12, 13.5));
        p.drawLine(QPointF(9.5, 16), QPointF(12, 13.5));
        p.drawLine(QPointF(14.5, 16), QPointF(12, 13.5));
    } else if (name == u"troubleshoot"_s) {
        p.drawEllipse(QPointF(10.5, 10.5), 6, 6);
        p.setPen(QPen(color, 2.6, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(15, 15), QPointF(20.5, 20.5));
        p.setPen(pen);
        p.drawLine(QPointF(10.5, 7.5), QPointF(10.5, 11));
        p.drawPoint(QPointF(10.5, 13.5));
    } else if (name == u"training"_s) {
        QPainterPath pulse;
        pulse.moveTo(2.5, 13);
        pulse.lineTo(7, 13);
        pulse.lineTo(9.5, 6);
        pulse.lineTo(13, 19);
        pulse.lineTo(16, 10);
        pulse.lineTo(17.5, 13);
        pulse.lineTo(21.5, 13);
        p.drawPath(pulse);
    } else {
        p.drawEllipse(QPointF(12, 12), 7, 7);
    }
    p.restore();
}

QIcon Icons::panel(const QString& name, const QColor& color)
{
    QIcon icon;
    for (int size : {20, 24, 40, 48}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        paintGlyph(p, name, QRectF(0, 0, size, size), color);
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

} // namespace kw::ui
