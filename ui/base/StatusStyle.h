#pragma once

#include "core/model/EvalStatus.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace kw::ui {

// How a status looks everywhere: words, colours for light and dark palettes, a dot icon.
class StatusStyle
{
public:
    static constexpr int kCount = static_cast<int>(EvalStatus::Unknown) + 1;

    static QString label(EvalStatus s);       // "compile error"
    static QString key(EvalStatus s);         // "compile_error"
    static QString explanation(EvalStatus s); // one line: what it means
    static QColor color(EvalStatus s, bool dark);
    static QColor color(EvalStatus s); // for the application's current palette
    static QIcon dot(EvalStatus s);    // cached small filled circle
    static bool isDarkPalette();
    // Statuses in display order (correct first, unknown last).
    static EvalStatus at(int i) { return static_cast<EvalStatus>(i); }
    // A result got past compilation (counted for compile rate); infra errors are not the kernel's.
    static bool compiled(EvalStatus s);
    static bool countsForRates(EvalStatus s);
};

} // namespace kw::ui
