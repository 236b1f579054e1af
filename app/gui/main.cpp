// kernelwatch: the desktop application. Arguments:
//   --version                       print version and commit
//   --screenshot FILE --panel ID    render a panel at 1400×900 to PNG without a display
//   [--demo] [--theme light|dark]   ... with generated results / in a theme
//   --render-icons DIR              write the application icon as PNGs (packaging)
#include "core/base/Version.h"
#include "ui/base/Icons.h"
#include "ui/base/Settings.h"
#include "ui/base/Theme.h"
#include "ui/services/AppContext.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/PanelRegistry.h"
#include "ui/shell/ScreenshotRunner.h"
#include "ui/training/TrainingPanel.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    bool headless = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("kernelwatch %s (commit %s)\n", KW_VERSION, kw::gitCommit());
            return 0;
        }
        for (const char* a : {"--screenshot", "--render-icons", "--help", "-h", "--help-all"})
            headless = headless || std::strcmp(argv[i], a) == 0;
    }
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Without a display Qt aborts with a paragraph about platform plugins; say what to do instead.
    if (!headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
        qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        std::fprintf(
            stderr,
            "kernelwatch: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
            "  Start it in a desktop session, over `ssh -X`, or in a virtual display "
            "(`xvfb-run -s '-screen 0 1400x900x24' kernelwatch`).\n"
            "  On a server, kernelwatch-cli does the same work without a window "
            "(kernelwatch-cli --help); `kernelwatch --screenshot FILE` renders a panel without one.\n");
        return 2;
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"kernelwatch"_s);
    QApplication::setApplicationName(u"kernelwatch"_s);
    QApplication::setApplicationVersion(QStringLiteral(KW_VERSION));
    QApplication::setWindowIcon(kw::ui::Icons::app());

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Evaluate GPU kernels and watch training evaluations."_s);
    parser.addHelpOption();
    const QCommandLineOption screenshot(u"screenshot"_s, u"Render a panel to a PNG file and exit."_s,
                                        u"FILE"_s);
    const QCommandLineOption panel(
        u"panel"_s,
        u"Panel for --screenshot: submit, evaluations, charts, training, deployment, troubleshoot, "
        u"settings."_s,
        u"ID"_s, u"submit"_s);
    const QCommandLineOption demo(u"demo"_s,
                                  u"With --screenshot: fill a temporary history with generated results."_s);
    const QCommandLineOption theme(u"theme"_s, u"With --screenshot: light (default) or dark."_s, u"THEME"_s,
                                   u"light"_s);
    const QCommandLineOption icons(u"render-icons"_s, u"Write the application icon as PNG files into DIR."_s,
                                   u"DIR"_s);
    const QCommandLineOption follow(u"follow"_s,
                                    u"Open the Training panel following this kernel_rl run directory (or a "
                                    u"directory of runs)."_s,
                                    u"DIR"_s);
    parser.addOptions({screenshot, panel, demo, theme, icons, follow});
    parser.process(app);

    if (parser.isSet(icons))
        return kw::ui::Icons::writeAppIconPngs(parser.value(icons)) ? 0 : 1;
    if (parser.isSet(screenshot)) {
        kw::ui::ScreenshotRunner::Options o;
        o.file = parser.value(screenshot);
        o.panel = parser.value(panel);
        o.demo = parser.isSet(demo);
        o.theme =
            parser.value(theme) == u"dark"_s ? kw::ui::Settings::Theme::Dark : kw::ui::Settings::Theme::Light;
        return kw::ui::ScreenshotRunner::run(o);
    }

    kw::ui::AppContext ctx({});
    kw::ui::Theme::apply(ctx.settings().theme());
    kw::ui::MainWindow window(ctx, kw::ui::PanelRegistry::builtin());
    window.show();
    if (parser.isSet(follow)) {
        if (auto* training = qobject_cast<kw::ui::TrainingPanel*>(window.panel(u"training"_s))) {
            window.showPanel(u"training"_s);
            training->follow(parser.value(follow));
        }
    }
    return app.exec();
}
