// Renders the issue-13 screenshots the same way from any kernelwatch tree (before and after):
// the result card on the noisy fixture (tests/fixtures/timing/noisy.json), the window at
// 1024x700 with "# my edit" typed in the kernel editor, and what quitting with that edit does.
// Built and run by render_shots.sh.
#include "core/model/EvalResult.h"
#include "ui/base/Settings.h"
#include "ui/base/Theme.h"
#include "ui/services/AppContext.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/PanelRegistry.h"
#include "ui/submit/EditorPane.h"
#include "ui/submit/SubmitPanel.h"
#include "ui/widgets/CodeEditor.h"
#include "ui/widgets/ResultCard.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace kw;
using namespace kw::ui;

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("kernelwatch"));
    QApplication::setApplicationName(QStringLiteral("kernelwatch"));
    const QString out = QString::fromLocal8Bit(argv[1]);
    const QString fixtures = QString::fromLocal8Bit(argv[2]);
    const QString prefix = QString::fromLocal8Bit(argv[3]); // before | after
    QTemporaryDir dir;
    qputenv("XDG_DATA_HOME", dir.filePath(QStringLiteral("data")).toLocal8Bit());
    AppContext::Options o;
    o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    o.historyPath = dir.filePath(QStringLiteral("history.sqlite"));
    o.startServices = false;
    auto ctx = std::make_unique<AppContext>(o);
    Theme::apply(ctx->settings().theme());

    { // 1. The result card on a noisy measurement (tests/fixtures/timing/noisy.json).
        QFile f(fixtures + QStringLiteral("/timing/noisy.json"));
        if (!f.open(QIODevice::ReadOnly))
            return 2;
        const EvalResult r = resultFromJson(nlohmann::json::parse(f.readAll().toStdString()));
        ResultCard card;
        card.resize(420, 600);
        card.show();
        card.showResult(r);
        card.resize(420, card.heightForWidth(420) > 0 ? card.heightForWidth(420) : card.sizeHint().height());
        QApplication::processEvents();
        card.grab().save(out + QStringLiteral("/%1-result-card-noisy.png").arg(prefix));
    }

    // 2. The window at 1024x700, "# my edit" typed as line 4 of the kernel.
    auto window = std::make_unique<MainWindow>(*ctx, PanelRegistry::builtin());
    window->setPersistent(false);
    window->resize(1024, 700);
    window->show();
    QTest::qWaitForWindowExposed(window.get());
    auto* submit = qobject_cast<SubmitPanel*>(window->panel(QStringLiteral("submit")));
    QTest::qWait(300);
    submit->kernelPane()->editor()->insertAt(QStringLiteral("# my edit\n"), 3, 0);
    QTest::qWait(300);
    window->grab().save(out + QStringLiteral("/%1-window-1024x700.png").arg(prefix));
    std::printf("window %dx%d (minimum %dx%d)\n", window->width(), window->height(),
                window->minimumSizeHint().width(), window->minimumSizeHint().height());

    // 3. Quit with the edit: the prompt over the window (when there is one), else the next start.
    bool prompted = false;
    QTimer::singleShot(500, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        prompted = true;
        QPixmap shot = window->grab();
        QPainter p(&shot);
        p.drawPixmap(box->mapToGlobal(QPoint(0, 0)) - window->mapToGlobal(QPoint(0, 0)), box->grab());
        p.end();
        shot.save(out + QStringLiteral("/%1-unsaved-prompt.png").arg(prefix));
        box->reject();
    });
    const bool closed = window->close();
    QTest::qWait(800);
    std::printf("quit: %s, %s\n", prompted ? "asked" : "did not ask", closed ? "closed" : "kept open");
    if (!prompted) {
        // No prompt: the app quit and the edit is gone; the next start shows the kernel without it.
        window.reset();
        ctx = std::make_unique<AppContext>(o);
        window = std::make_unique<MainWindow>(*ctx, PanelRegistry::builtin());
        window->setPersistent(false);
        window->resize(1024, 700);
        window->show();
        QTest::qWaitForWindowExposed(window.get());
        QTest::qWait(500);
        auto* again = qobject_cast<SubmitPanel*>(window->panel(QStringLiteral("submit")));
        std::printf("after restart the kernel %s '# my edit'\n",
                    again->kernelPane()->text().contains(QStringLiteral("# my edit")) ? "has" : "lost");
        window->grab().save(out + QStringLiteral("/%1-unsaved-prompt.png").arg(prefix));
    }
    return 0;
}
