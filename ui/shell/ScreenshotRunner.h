#pragma once

#include "ui/base/Settings.h"

#include <QString>

namespace kw::ui {

// Headless rendering of one panel in the main window (kernelwatch --screenshot): settings in a
// temporary file, with --demo a temporary store filled with generated results. Waits until
// the panel has loaded what it shows, then writes the window to a PNG.
class ScreenshotRunner
{
public:
    struct Options
    {
        QString file;
        QString panel = QStringLiteral("submit");
        bool demo = false;
        Settings::Theme theme = Settings::Theme::Light;
        int width = 1400;
        int height = 900;
        int demoResults = 2400;
        int timeoutMs = 30000;
    };
    // Returns the process exit code; messages go to stderr.
    static int run(const Options& options);
};

} // namespace kw::ui
