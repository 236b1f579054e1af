// Code typed in the editors is never lost: Save / Save As, the modified marker, the
// Save/Discard/Cancel question before anything replaces unsaved text, and the unsaved text
// kept across a restart or a crash.
#include "tests/ui/UiTestUtils.h"
#include "ui/base/Settings.h"
#include "ui/services/AppContext.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/PanelRegistry.h"
#include "ui/submit/EditorDrafts.h"
#include "ui/submit/EditorPane.h"
#include "ui/submit/SubmitPanel.h"
#include "ui/widgets/CodeEditor.h"

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw;
using namespace kw::ui;

namespace {

struct Fixture
{
    std::unique_ptr<AppContext> ctx;
    std::unique_ptr<MainWindow> window;
    SubmitPanel* submit = nullptr;

    explicit Fixture(const QTemporaryDir& dir)
    {
        const AppContext::Options o = test::quietContext(dir);
        ctx = std::make_unique<AppContext>(o);
        window = std::make_unique<MainWindow>(*ctx, PanelRegistry::builtin());
        window->setPersistent(false);
        submit = qobject_cast<SubmitPanel*>(window->panel(QStringLiteral("submit")));
    }
};

// Answers the next unsaved-changes question with `button`; `asked` counts the questions.
QTimer* answer(QMessageBox::StandardButton button, int* asked)
{
    auto* timer = new QTimer;
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, button, asked] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || box->objectName() != QStringLiteral("unsavedPrompt"))
            return;
        ++*asked;
        timer->deleteLater();
        timer->stop();
        box->button(button)->click();
    });
    timer->start();
    return timer;
}

void type(EditorPane* pane, const QString& text)
{
    pane->editor()->insertAt(text, 0, 0);
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestUnsavedCode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void markerAndSave()
    {
        QTemporaryDir dir;
        Fixture f(dir);
        EditorPane* k = f.submit->kernelPane();
        QVERIFY(!k->isModified());
        QVERIFY(!k->headerText().contains(QStringLiteral("\u2022")));
        type(k, QStringLiteral("# my edit\n"));
        QVERIFY(k->isModified());
        QVERIFY2(k->headerText().endsWith(QStringLiteral(" \u2022")), qPrintable(k->headerText()));

        const QString file = dir.filePath(QStringLiteral("kernel.py"));
        QVERIFY(k->saveTo(file));
        QVERIFY(!k->isModified());
        QCOMPARE(k->headerText(), QStringLiteral("kernel.py"));
        QVERIFY(readFile(file).startsWith("# my edit\n"));
        QCOMPARE(f.ctx->settings().lastKernelPath(), file);
    }

    void ctrlSSavesTheFocusedEditor()
    {
        QTemporaryDir dir;
        Fixture f(dir);
        f.window->show();
        QVERIFY(QTest::qWaitForWindowActive(f.window.get()));
        EditorPane* k = f.submit->kernelPane();
        EditorPane* r = f.submit->referencePane();
        const QString file = dir.filePath(QStringLiteral("k.py"));
        QVERIFY(k->saveTo(file));
        type(k, QStringLiteral("# typed\n"));
        type(r, QStringLiteral("# ref typed\n"));
        k->editor()->setFocus();
        QTRY_VERIFY(k->editor()->hasFocus());
        QTest::keyClick(k->editor(), Qt::Key_S, Qt::ControlModifier);
        QVERIFY(!k->isModified());
        QVERIFY(readFile(file).startsWith("# typed\n"));
        QVERIFY(r->isModified()); // only the focused editor was saved
    }

    void loadingASampleAsks()
    {
        QTemporaryDir dir;
        Fixture f(dir);
        EditorPane* k = f.submit->kernelPane();
        type(k, QStringLiteral("# keep me\n"));
        int asked = 0;
        answer(QMessageBox::Cancel, &asked);
        QVERIFY(!f.submit->loadSample(QStringLiteral("swish-cuda")));
        QCOMPARE(asked, 1);
        QVERIFY(k->text().startsWith(QStringLiteral("# keep me")));

        const QString file = dir.filePath(QStringLiteral("saved.py"));
        QVERIFY(k->saveTo(file));
        type(k, QStringLiteral("# and this\n"));
        answer(QMessageBox::Save, &asked);
        QVERIFY(f.submit->loadSample(QStringLiteral("swish-cuda")));
        QCOMPARE(asked, 2);
        QVERIFY(readFile(file).startsWith("# and this\n# keep me"));
        QVERIFY(!k->text().contains(QStringLiteral("# and this")));

        type(k, QStringLiteral("# thrown away\n"));
        answer(QMessageBox::Discard, &asked);
        QVERIFY(f.submit->loadSample(QStringLiteral("relu-cpu")));
        QCOMPARE(asked, 3);
        QVERIFY(!k->isModified());
        QVERIFY(!k->text().contains(QStringLiteral("# thrown away")));
    }

    void unmodifiedTextIsReplacedWithoutAQuestion()
    {
        QTemporaryDir dir;
        Fixture f(dir);
        int asked = 0;
        std::unique_ptr<QTimer> watch(answer(QMessageBox::Cancel, &asked)); // would unblock a question
        QVERIFY(f.submit->loadSample(QStringLiteral("swish-cuda")));
        QCOMPARE(asked, 0);
    }

    void rerunFromEvaluationsAsks()
    {
        QTemporaryDir dir;
        Fixture f(dir);
        type(f.submit->referencePane(), QStringLiteral("# unsaved reference\n"));
        EvalRequest r;
        r.problem = "level1/19_ReLU";
        r.refCode = "class Model: pass\n";
        r.kernelCode = "class ModelNew: pass\n";
        int asked = 0;
        answer(QMessageBox::Cancel, &asked);
        Q_EMIT f.ctx->submitRequested(r, false);
        QCOMPARE(asked, 1);
        QVERIFY(f.submit->referencePane()->text().startsWith(QStringLiteral("# unsaved reference")));
        answer(QMessageBox::Discard, &asked);
        Q_EMIT f.ctx->submitRequested(r, false);
        QCOMPARE(asked, 2);
        QCOMPARE(f.submit->referencePane()->text(), QStringLiteral("class Model: pass\n"));
    }

    void openingAProblemOrDroppingAFileAsks()
    {
        QTemporaryDir dir;
        Fixture f(dir);
        const QString problem = dir.filePath(QStringLiteral("KernelBench/level1/19_ReLU.py"));
        QVERIFY(writeFile(problem, "class Model: pass\n"));
        EditorPane* r = f.submit->referencePane();
        type(r, QStringLiteral("# mine\n"));
        int asked = 0;
        answer(QMessageBox::Cancel, &asked);
        QVERIFY(!f.submit->openProblem(problem, QStringLiteral("level1/19_ReLU")));
        QCOMPARE(asked, 1);
        QTest::qWait(50);
        QVERIFY(r->text().startsWith(QStringLiteral("# mine")));

        answer(QMessageBox::Cancel, &asked);
        Q_EMIT r->editor()->fileDropped(problem);
        QCOMPARE(asked, 2);
        QTest::qWait(50);
        QVERIFY(!r->loading());
        QVERIFY(r->text().startsWith(QStringLiteral("# mine")));

        answer(QMessageBox::Discard, &asked);
        Q_EMIT r->editor()->fileDropped(problem);
        QCOMPARE(asked, 3);
        QTRY_COMPARE(r->text(), QStringLiteral("class Model: pass\n"));
    }

    void quitAsks()
    {
        QTemporaryDir dir;
        Fixture f(dir);
        f.window->show();
        type(f.submit->kernelPane(), QStringLiteral("# unsaved\n"));
        f.submit->drafts()->writeNow();
        QVERIFY(QFileInfo::exists(f.ctx->draftsPath()));
        int asked = 0;
        answer(QMessageBox::Cancel, &asked);
        QVERIFY(!f.window->close());
        QCOMPARE(asked, 1);
        QVERIFY(f.window->isVisible());
        QVERIFY(f.submit->kernelPane()->isModified());
        answer(QMessageBox::Discard, &asked);
        QVERIFY(f.window->close());
        QCOMPARE(asked, 2);
        // Discarded on purpose: nothing comes back on the next start.
        QVERIFY(!QFileInfo::exists(f.ctx->draftsPath()));
    }

    void unsavedTextSurvivesARestart()
    {
        QTemporaryDir dir;
        QString draftsPath;
        {
            Fixture f(dir);
            draftsPath = f.ctx->draftsPath();
            type(f.submit->kernelPane(), QStringLiteral("# half-written kernel\n"));
            // Written a few seconds after the edit, with no quit: a crash loses nothing.
            QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(draftsPath), EditorDrafts::kDelayMs + 3000);
        } // the process "dies": no close, no prompt
        Fixture f(dir);
        EditorPane* k = f.submit->kernelPane();
        QVERIFY(k->text().startsWith(QStringLiteral("# half-written kernel\n")));
        QVERIFY(k->isModified());
        QVERIFY(k->headerText().endsWith(QStringLiteral(" \u2022")));
        QVERIFY(!f.submit->referencePane()->isModified());
        QVERIFY2(f.submit->bannerText().contains(QStringLiteral("Restored unsaved text")),
                 qPrintable(f.submit->bannerText()));
        // Saved: the stored copy goes away.
        QVERIFY(k->saveTo(dir.filePath(QStringLiteral("k.py"))));
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(draftsPath), EditorDrafts::kDelayMs + 3000);
    }

    void sameFileIsOneProblem()
    {
        QTemporaryDir dir;
        const QString problem = dir.filePath(QStringLiteral("KernelBench/level1/19_ReLU.py"));
        const QString kernel = dir.filePath(QStringLiteral("k.py"));
        QVERIFY(writeFile(problem, "class Model: pass\n"));
        QVERIFY(writeFile(kernel, "class ModelNew: pass\n"));
        {
            Fixture f(dir);
            QVERIFY(f.submit->openProblem(problem, QStringLiteral("level1/19_ReLU")));
            f.submit->kernelPane()->loadFile(kernel);
            QTRY_VERIFY(!f.submit->referencePane()->loading() && !f.submit->kernelPane()->loading() &&
                        f.submit->referencePane()->path() == problem);
            QCOMPARE(f.submit->problemName(), QStringLiteral("level1/19_ReLU"));
            f.ctx->settings().sync();
        }
        Fixture f(dir); // restart: the files are loaded from the settings
        QTRY_COMPARE(f.submit->referencePane()->path(), problem);
        QCOMPARE(f.submit->problemName(), QStringLiteral("level1/19_ReLU"));
    }
};

QTEST_MAIN(TestUnsavedCode)
#include "tst_unsavedcode.moc"
