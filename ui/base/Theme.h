#pragma once

#include "ui/base/Settings.h"

#include <QPalette>

namespace kw::ui {

// Light and dark palettes on the Fusion style; System keeps the platform's palette.
class Theme
{
public:
    static void apply(Settings::Theme theme);
    static QPalette light();
    static QPalette dark();
    static bool isDark(); // the palette in force now
};

} // namespace kw::ui
