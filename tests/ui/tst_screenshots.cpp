#include "ui/shell/ScreenshotRunner.h"

#include <QImage>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw::ui;

class TestScreenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void panel_data()
    {
        QTest::addColumn<QString>("panel");
        QTest::addColumn<bool>("dark");
        for (const char* p : {"submit", "evaluations", "charts", "settings"})
            QTest::newRow(p) << QString::fromLatin1(p) << false;
        QTest::newRow("charts-dark") << QStringLiteral("charts") << true;
    }

    void panel()
    {
        QFETCH(QString, panel);
        QFETCH(bool, dark);
        QTemporaryDir dir;
        ScreenshotRunner::Options o;
        o.file = dir.filePath(panel + QStringLiteral(".png"));
        o.panel = panel;
        o.demo = true;
        o.demoResults = 600;
        o.theme = dark ? kw::ui::Settings::Theme::Dark : kw::ui::Settings::Theme::Light;
        QCOMPARE(ScreenshotRunner::run(o), 0);
        QImage img(o.file);
        QVERIFY(!img.isNull());
        QCOMPARE(img.size(), QSize(1400, 900));
        // Not blank: many distinct colours across a grid of samples.
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7)
                colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 40, qPrintable(QString::number(colours.size())));
    }

    void unknownPanelIsAnError()
    {
        QTemporaryDir dir;
        ScreenshotRunner::Options o;
        o.file = dir.filePath(QStringLiteral("x.png"));
        o.panel = QStringLiteral("nope");
        QCOMPARE(ScreenshotRunner::run(o), 2);
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
