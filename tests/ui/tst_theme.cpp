// Dark mode reaches the widgets that draw with style sheets: the sidebar and the result card
// followed the light palette they were created with.
#include "tests/ui/UiTestUtils.h"
#include "ui/base/Theme.h"
#include "ui/services/AppContext.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/PanelRegistry.h"
#include "ui/submit/SubmitPanel.h"
#include "ui/widgets/ResultCard.h"

#include <QListWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw::ui;

namespace {
// Lightness of the widget's own background, a few pixels inside its top-left corner.
int backgroundLightness(QWidget* w)
{
    const QImage img = w->grab().toImage();
    return img.pixelColor(img.width() - 6, img.height() - 6).lightness();
}
} // namespace

class TestTheme : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void darkModeReachesTheSidebarAndTheResultCard()
    {
        QTemporaryDir dir;
        const AppContext::Options o = test::quietContext(dir);
        AppContext ctx(o);
        Theme::apply(Settings::Theme::Light);
        MainWindow window(ctx, PanelRegistry::builtin());
        window.setPersistent(false);
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* sidebar = window.findChild<QListWidget*>(QStringLiteral("sidebar"));
        auto* submit = qobject_cast<SubmitPanel*>(window.panel(QStringLiteral("submit")));
        QVERIFY(sidebar && submit);
        QVERIFY(backgroundLightness(sidebar) > 200);
        QVERIFY(backgroundLightness(submit->resultCard()) > 200);

        Theme::apply(Settings::Theme::Dark);
        QApplication::processEvents();
        QVERIFY2(backgroundLightness(sidebar) < 80,
                 qPrintable(QString::number(backgroundLightness(sidebar))));
        QVERIFY2(backgroundLightness(submit->resultCard()) < 80,
                 qPrintable(QString::number(backgroundLightness(submit->resultCard()))));

        Theme::apply(Settings::Theme::Light);
        QApplication::processEvents();
        QVERIFY(backgroundLightness(sidebar) > 200);
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
