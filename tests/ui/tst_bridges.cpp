// The Submit and Evaluations bridges (issue 16 item 3) and the Job-based loads of the Submit panel.
#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"
#include "ui/base/Settings.h"
#include "ui/evaluations/EvaluationsBridge.h"
#include "ui/submit/ProblemBrowser.h"
#include "ui/submit/SubmitBridge.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw;
using namespace kw::ui;

namespace {
bool writeProblems(const QString& root, const QStringList& files)
{
    for (const QString& f : files) {
        const QString path = root + u'/' + f;
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return false;
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly))
            return false;
        out.write("class Model: pass\n");
    }
    return true;
}
} // namespace

class TestBridges : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Two folders chosen quickly one after the other: the browser shows the second (the scan of
    // the first, still running, is not answered). It used to ignore the second while scanning.
    void problemBrowserShowsTheLatestFolder()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a")), b = dir.filePath(QStringLiteral("b"));
        QVERIFY(writeProblems(a, {QStringLiteral("level1/19_ReLU.py")}));
        QVERIFY(writeProblems(b, {QStringLiteral("level1/19_ReLU.py"), QStringLiteral("level1/2_Matmul.py"),
                                  QStringLiteral("level2/1_Conv2D.py")}));
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        ProblemBrowser browser(settings);
        browser.setFolder(a);
        browser.setFolder(b);
        QTRY_VERIFY(!browser.scanning());
        QCOMPARE(browser.problemCount(), 3);
    }

    void submitBridgeAdmitsInQtWords()
    {
        EvalRequest r;
        r.refCode =
            "import torch\nclass Model(torch.nn.Module):\n    pass\ndef get_inputs():\n    return []\n"
            "def get_init_inputs():\n    return []\n";
        r.kernelCode = "x = 1\n";
        const QString why = SubmitBridge::admit(r, QStringLiteral("ref.py"), QStringLiteral("cand.py"));
        QVERIFY2(why.contains(QStringLiteral("cand.py")), qPrintable(why));
        QVERIFY(why.contains(QStringLiteral("ModelNew")));
    }

    void submitBridgeListsModalGpus()
    {
        const auto gpus = SubmitBridge::modalGpus();
        QVERIFY(!gpus.isEmpty());
        bool h100 = false;
        for (const auto& [label, name] : gpus)
            h100 = h100 || (name == QStringLiteral("H100") && label.startsWith(QStringLiteral("H100  ·  ")));
        QVERIFY(h100);
    }

    void evaluationsBridgeRedactsTheJson()
    {
        EvalResult r;
        r.id = "abc";
        r.logTail = "modal said as-ABCDEFGH12345678 and went on";
        const QString json = EvaluationsBridge::redactedJson(r);
        QVERIFY(json.contains(QStringLiteral("\"abc\"")));
        QVERIFY(!json.contains(QStringLiteral("as-ABCDEFGH12345678")));
        QVERIFY(json.contains(QStringLiteral("***")));
    }
};

QTEST_MAIN(TestBridges)
#include "tst_bridges.moc"
