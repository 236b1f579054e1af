#include "ui/base/StatusStyle.h"

#include <QApplication>
#include <QHash>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

#include <array>

using namespace Qt::StringLiterals;

namespace kw::ui {

QString StatusStyle::label(EvalStatus s)
{
    switch (s) {
    case EvalStatus::Correct:
        return QObject::tr("correct");
    case EvalStatus::Incorrect:
        return QObject::tr("incorrect");
    case EvalStatus::CompileError:
        return QObject::tr("compile error");
    case EvalStatus::RuntimeError:
        return QObject::tr("runtime error");
    case EvalStatus::Timeout:
        return QObject::tr("timeout");
    case EvalStatus::Crashed:
        return QObject::tr("crashed");
    case EvalStatus::Rejected:
        return QObject::tr("rejected");
    case EvalStatus::InfraError:
        return QObject::tr("infra error");
    case EvalStatus::Unknown:
        break;
    }
    return QObject::tr("unknown");
}

QString StatusStyle::key(EvalStatus s)
{
    return QString::fromUtf8(statusName(s).data(), qsizetype(statusName(s).size()));
}

QString StatusStyle::explanation(EvalStatus s)
{
    switch (s) {
    case EvalStatus::Correct:
        return QObject::tr("Compiled and matched the reference on every trial.");
    case EvalStatus::Incorrect:
        return QObject::tr("Ran, but the output differs from the reference.");
    case EvalStatus::CompileError:
        return QObject::tr("The kernel did not build or import.");
    case EvalStatus::RuntimeError:
        return QObject::tr("The kernel raised an error while running.");
    case EvalStatus::Timeout:
        return QObject::tr("The evaluation ran past its time limit and was killed.");
    case EvalStatus::Crashed:
        return QObject::tr("The kernel's process died (signal or CUDA fault).");
    case EvalStatus::Rejected:
        return QObject::tr("An integrity check caught the kernel (see flags).");
    case EvalStatus::InfraError:
        return QObject::tr("The evaluation could not run (setup, interpreter or service problem).");
    case EvalStatus::Unknown:
        break;
    }
    return QObject::tr("The status could not be read.");
}

QColor StatusStyle::color(EvalStatus s, bool dark)
{
    switch (s) {
    case EvalStatus::Correct:
        return dark ? QColor(0x4c, 0xc3, 0x6f) : QColor(0x1f, 0x9d, 0x4b);
    case EvalStatus::Incorrect:
        return dark ? QColor(0xf2, 0xb1, 0x3b) : QColor(0xd0, 0x8a, 0x00);
    case EvalStatus::CompileError:
        return dark ? QColor(0xef, 0x6b, 0x6b) : QColor(0xd2, 0x3f, 0x3f);
    case EvalStatus::RuntimeError:
        return dark ? QColor(0xf0, 0x86, 0x5a) : QColor(0xe0, 0x64, 0x2c);
    case EvalStatus::Timeout:
        return dark ? QColor(0xb3, 0x8c, 0xf5) : QColor(0x82, 0x5c, 0xd6);
    case EvalStatus::Crashed:
        return dark ? QColor(0xe0, 0x5d, 0x9e) : QColor(0xb8, 0x2e, 0x78);
    case EvalStatus::Rejected:
        return dark ? QColor(0xff, 0x4d, 0x6d) : QColor(0xc0, 0x0a, 0x2d);
    case EvalStatus::InfraError:
        return dark ? QColor(0x7f, 0xa7, 0xd6) : QColor(0x4a, 0x6f, 0x9c);
    case EvalStatus::Unknown:
        break;
    }
    return dark ? QColor(0x9a, 0x9a, 0x9a) : QColor(0x80, 0x80, 0x80);
}

bool StatusStyle::isDarkPalette()
{
    const QColor bg = QApplication::palette().color(QPalette::Base);
    return bg.lightness() < 128;
}

QColor StatusStyle::color(EvalStatus s)
{
    return color(s, isDarkPalette());
}

QIcon StatusStyle::dot(EvalStatus s)
{
    static QHash<int, QIcon> cache;
    const bool dark = isDarkPalette();
    const int key = static_cast<int>(s) * 2 + (dark ? 1 : 0);
    auto it = cache.find(key);
    if (it != cache.end())
        return *it;
    QPixmap pm(24, 24);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color(s, dark));
    p.drawEllipse(QRectF(5, 5, 14, 14));
    p.end();
    QIcon icon(pm);
    cache.insert(key, icon);
    return icon;
}

bool StatusStyle::compiled(EvalStatus s)
{
    return s == EvalStatus::Correct || s == EvalStatus::Incorrect || s == EvalStatus::RuntimeError ||
           s == EvalStatus::Rejected;
}

bool StatusStyle::countsForRates(EvalStatus s)
{
    return s != EvalStatus::InfraError && s != EvalStatus::Unknown;
}

} // namespace kw::ui
