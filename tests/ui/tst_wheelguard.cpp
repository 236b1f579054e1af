// The mouse wheel over a spin box or combo box in Settings and the Submit options changes
// nothing until the field has focus (Modal timeout 300 → 294 while scrolling the page).
#include "tests/ui/UiTestUtils.h"
#include "ui/base/Settings.h"
#include "ui/services/AppContext.h"
#include "ui/settings/SettingsPanel.h"
#include "ui/submit/SubmitOptionsForm.h"

#include <QApplication>
#include <QComboBox>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw::ui;

namespace {
void wheel(QWidget* w, int steps)
{
    const QPointF pos(w->width() / 2.0, w->height() / 2.0);
    QWheelEvent e(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, 120 * steps), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

// Every spin box and combo box under `root`: the wheel changes nothing without focus, and
// changes the value once focused.
void checkAll(QWidget* root, QWidget* window)
{
    int checked = 0;
    for (QSpinBox* box : root->findChildren<QSpinBox*>()) {
        if (!box->isVisible() || !box->isEnabled() || box->maximum() - box->minimum() < 4)
            continue;
        box->setValue((box->minimum() + box->maximum()) / 2);
        const int before = box->value();
        window->setFocus();
        wheel(box, -3);
        QVERIFY2(box->value() == before,
                 qPrintable(box->objectName() + QStringLiteral(" changed unfocused")));
        QCOMPARE(box->focusPolicy(), Qt::StrongFocus);
        box->setFocus();
        QTRY_VERIFY(box->hasFocus());
        wheel(box, -3);
        QVERIFY(box->value() != before);
        ++checked;
    }
    for (QComboBox* box : root->findChildren<QComboBox*>()) {
        if (!box->isVisible() || !box->isEnabled() || box->count() < 2)
            continue;
        box->setCurrentIndex(0);
        window->setFocus();
        wheel(box, -1);
        QCOMPARE(box->currentIndex(), 0);
        QCOMPARE(box->focusPolicy(), Qt::StrongFocus);
        ++checked;
    }
    QVERIFY(checked >= 3);
}
} // namespace

class TestWheelGuard : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void settingsTakeTheWheelOnlyWhenFocused()
    {
        const AppContext::Options o = test::quietContext(m_dir);
        AppContext ctx(o);
        SettingsPanel panel(ctx);
        panel.resize(1000, 3000);
        panel.show();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        checkAll(&panel, &panel);
    }

    void submitOptionsTakeTheWheelOnlyWhenFocused()
    {
        AppContext::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings2.ini"));
        o.startServices = false;
        AppContext ctx(o);
        QWidget window;
        auto* form = new SubmitOptionsForm(ctx.settings(), &window);
        window.setFocusPolicy(Qt::StrongFocus);
        window.resize(400, 400);
        form->resize(400, 400);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        checkAll(form, &window);
    }
};

QTEST_MAIN(TestWheelGuard)
#include "tst_wheelguard.moc"
