// Settings → Baselines (the default) and the Submit options (per submission) fill the request's
// baselines and torch.compile mode.
#include "ui/base/Settings.h"
#include "ui/submit/SubmitOptionsForm.h"
#include "ui/widgets/BaselineChooser.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw;
using namespace kw::ui;

class TestBaselineChoice : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void settingsDefaultFeedsTheRequest()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        QCOMPARE(settings.baselines(), QStringList{QStringLiteral("eager")});
        QCOMPARE(settings.compileMode(), QStringLiteral("default"));
        SubmitOptionsForm form(settings);
        EvalRequest r;
        form.fillRequest(r);
        QCOMPARE(r.baselines, std::vector<std::string>{"eager"});
        QCOMPARE(r.compileMode, std::string("default"));

        QSignalSpy changed(&settings, &Settings::defaultsChanged);
        settings.setBaselines({QStringLiteral("eager"), QStringLiteral("compile")});
        settings.setCompileMode(QStringLiteral("max-autotune-no-cudagraphs"));
        QCOMPARE(changed.count(), 2);
        form.applyDefaults(); // what SubmitPanel does on defaultsChanged
        form.fillRequest(r);
        QCOMPARE(r.baselines, (std::vector<std::string>{"eager", "compile"}));
        QCOMPARE(r.compileMode, std::string("max-autotune-no-cudagraphs"));

        // Kept in the settings file; an unknown mode falls back to the default.
        Settings again(dir.filePath(QStringLiteral("s.ini")));
        QCOMPARE(again.baselines(), (QStringList{QStringLiteral("eager"), QStringLiteral("compile")}));
        again.setCompileMode(QStringLiteral("reduce-overhead"));
        QCOMPARE(again.compileMode(), QStringLiteral("default"));
    }

    void perSubmissionChoice()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        SubmitOptionsForm form(settings);
        auto* chooser = form.findChild<BaselineChooser*>();
        QVERIFY(chooser);
        QVERIFY(!chooser->modeBox()->isEnabled()); // eager only: no mode to choose
        chooser->baselineBox()->setCurrentIndex(1);
        QVERIFY(chooser->modeBox()->isEnabled());
        chooser->modeBox()->setCurrentIndex(1);
        EvalRequest r;
        form.fillRequest(r);
        QCOMPARE(r.baselines, (std::vector<std::string>{"eager", "compile"}));
        QCOMPARE(r.compileMode, std::string("max-autotune-no-cudagraphs"));
        // The per-submission choice does not change the default.
        QCOMPARE(settings.baselines(), QStringList{QStringLiteral("eager")});

        // Re-run / Open in Submit loads a stored request's choice.
        EvalRequest stored;
        stored.baselines = {"eager"};
        stored.compileMode = "default";
        form.loadFrom(stored);
        form.fillRequest(r);
        QCOMPARE(r.baselines, std::vector<std::string>{"eager"});
        QVERIFY(!chooser->modeBox()->isEnabled());
    }
};

QTEST_MAIN(TestBaselineChoice)
#include "tst_baselinechoice.moc"
