#include "ui/shell/ScreenshotRunner.h"

#include "core/model/HistoryStore.h"
#include "ui/base/QtStd.h"
#include "ui/base/Theme.h"
#include "ui/demo/DemoData.h"
#include "ui/services/AppContext.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/PanelRegistry.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
// Runs the event loop until `done` holds for `settleMs` in a row, or the deadline passes.
bool waitFor(const std::function<bool()>& done, int settleMs, QElapsedTimer& clock, int timeoutMs)
{
    QElapsedTimer quiet;
    bool wasDone = false;
    while (clock.elapsed() < timeoutMs) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        const bool d = done();
        if (d && !wasDone)
            quiet.start();
        wasDone = d;
        if (d && quiet.elapsed() >= settleMs)
            return true;
        QThread::msleep(5);
    }
    return false;
}
} // namespace

int ScreenshotRunner::run(const Options& o)
{
    QTemporaryDir tmp;
    if (!tmp.isValid()) {
        std::fprintf(stderr, "kernelwatch: cannot create a temporary folder for the screenshot\n");
        return 1;
    }
    const PanelRegistry registry = PanelRegistry::builtin();
    if (!registry.find(o.panel)) {
        QStringList ids;
        for (const auto& e : registry.entries())
            ids << e.info.id;
        std::fprintf(stderr, "kernelwatch: unknown panel '%s'; choose one of: %s\n", qPrintable(o.panel),
                     qPrintable(ids.join(u", "_s)));
        return 2;
    }
    AppContext::Options ctxOptions;
    ctxOptions.settingsFile = tmp.filePath(u"settings.ini"_s);
    if (o.demo) {
        ctxOptions.historyPath = tmp.filePath(u"history.sqlite"_s);
        try {
            HistoryStore store(toStd(ctxOptions.historyPath));
            DemoData::fill(store, o.demoResults);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "kernelwatch: demo store: %s\n", e.what());
            return 1;
        }
    } else {
        ctxOptions.historyPath = Settings().historyPath(); // the user's history, read only here
    }

    AppContext ctx(ctxOptions);
    ctx.settings().setTheme(o.theme);
    Theme::apply(o.theme);
    MainWindow window(ctx, registry);
    window.setPersistent(false);
    window.setAttribute(Qt::WA_DontShowOnScreen, false);
    window.resize(o.width, o.height);
    window.showPanel(o.panel);
    window.show();

    QElapsedTimer clock;
    clock.start();
    bool ok = waitFor([&] { return ctx.storeReady() || !ctx.storeError().isEmpty(); }, 0, clock, o.timeoutMs);
    ok = ok && waitFor([&] { return !window.busy(); }, 300, clock, o.timeoutMs);
    if (o.demo) {
        window.panel(o.panel)->prepareScreenshot();
        ok = waitFor([&] { return !window.busy(); }, 400, clock, o.timeoutMs) && ok;
    }
    if (!ok)
        std::fprintf(stderr, "kernelwatch: the panel was still loading after %d ms; writing what is shown\n",
                     o.timeoutMs);
    window.resize(o.width, o.height);
    QApplication::processEvents();
    const QImage image = window.grab().toImage();
    if (image.isNull() || !image.save(o.file, "PNG")) {
        std::fprintf(stderr, "kernelwatch: cannot write %s\n", qPrintable(o.file));
        return 1;
    }
    std::printf("%s: %dx%d, panel %s%s\n", qPrintable(o.file), image.width(), image.height(),
                qPrintable(o.panel), o.demo ? " (demo data)" : "");
    return 0;
}

} // namespace kw::ui
