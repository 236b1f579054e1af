// The evaluation workflow every front end shares (core/usecase/EvalSession): one admission with
// one set of words, evaluator construction from one settings model, record-before-report. The CLI
// and the Submit panel refuse the same kernel with the same sentence; a batch records it instead.
#include "EvalSession.h"
#include "HistoryStore.h"

#include "CliTestUtils.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace kw;

namespace {

const std::string kRef =
    "import torch\nclass Model(torch.nn.Module):\n    def forward(self, x):\n        return x\n"
    "def get_inputs():\n    return [torch.randn(4)]\ndef get_init_inputs():\n    return []\n";

EvalRequest request(const std::string& ref, const std::string& kernel)
{
    EvalRequest r;
    r.id = "t1";
    r.refCode = ref;
    r.kernelCode = kernel;
    r.device = "cpu";
    return r;
}

} // namespace

class TestEvalSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void admission()
    {
        const auto noModelNew = request(kRef, "import torch\nclass Candidate: pass\n");
        const std::string words = admitRequest(noModelNew, "ref.py", "k.py", AdmissionMode::Interactive);
        QVERIFY2(words.find("ModelNew") != std::string::npos, words.c_str());
        QVERIFY2(words.find("k.py") != std::string::npos, words.c_str());
        // A batch (training-style) records the format failure instead of refusing it.
        QCOMPARE(admitRequest(noModelNew, "ref.py", "k.py", AdmissionMode::Batch), std::string());
        // An empty kernel / reference: the same words wherever they come from.
        QVERIFY(admitRequest(request(kRef, "  \n"), "r", "k", AdmissionMode::Interactive)
                    .find("The kernel is empty") == 0);
        for (auto mode : {AdmissionMode::Interactive, AdmissionMode::Batch})
            QVERIFY(admitRequest(request("", "class ModelNew: pass"), "r", "k", mode)
                        .find("The reference is empty") == 0);
        // A good pair is admitted.
        QCOMPARE(admitRequest(request(kRef, "import torch\nclass ModelNew(torch.nn.Module):\n    pass\n"),
                              "r", "k", AdmissionMode::Interactive),
                 std::string());
    }

    void construction()
    {
        std::string error;
        EvaluatorSettings s;
        s.target = "modal"; // no endpoint configured
        QVERIFY(!makeEvaluator(s, error));
        QVERIFY2(!error.empty(), "a Modal target without an endpoint says what to do");
        s.target = "elsewhere";
        QVERIFY(!makeEvaluator(s, error));
        QVERIFY(error.find("local or modal") != std::string::npos);
        s.target = "local";
        auto local = makeEvaluator(s, error);
        QVERIFY(local);
        QVERIFY(!local->started()); // started by start(), off the UI thread, never by construction
    }

    void recordBeforeReport()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        EvalResult r = EvalResult::infraError(request(kRef, "x"), "cancelled");
        std::string err;
        QVERIFY(recordResult(&store, r, &err));
        QVERIFY(store.contains(r.id));
        QVERIFY(recordResult(nullptr, r, &err)); // nothing to store in
    }

    void baselineChoices()
    {
        std::string error;
        QCOMPARE(parseBaselineChoice("eager", error), std::optional(BaselineChoice::Eager));
        QCOMPARE(parseBaselineChoice("compile", error), std::optional(BaselineChoice::Compile));
        QCOMPARE(parseBaselineChoice("both", error), std::optional(BaselineChoice::Both));
        QVERIFY(error.empty());
        QVERIFY(!parseBaselineChoice("inductor", error));
        QVERIFY2(error.find("unknown baseline 'inductor'") != std::string::npos &&
                     error.find("both") != std::string::npos,
                 error.c_str());
        QCOMPARE(baselinesFor(BaselineChoice::Eager), std::vector<std::string>{"eager"});
        QCOMPARE(baselinesFor(BaselineChoice::Compile), (std::vector<std::string>{"eager", "compile"}));
        QCOMPARE(baselinesFor(BaselineChoice::Both), (std::vector<std::string>{"eager", "compile"}));

        // Admission refuses an unknown compile mode or baseline with the words that say what to use.
        EvalRequest r = request(kRef, "import torch\nclass ModelNew(torch.nn.Module):\n    pass\n");
        r.baselines = baselinesFor(BaselineChoice::Both);
        r.compileMode = "max-autotune-no-cudagraphs";
        QCOMPARE(admitRequest(r, "r", "k", AdmissionMode::Interactive), std::string());
        r.compileMode = "reduce-overhead";
        QCOMPARE(
            admitRequest(r, "r", "k", AdmissionMode::Interactive),
            std::string("unknown compile mode 'reduce-overhead': use default or max-autotune-no-cudagraphs"));
        r.compileMode = "default";
        r.baselines = {"eager", "cudagraphs"};
        QVERIFY(admitRequest(r, "r", "k", AdmissionMode::Batch).find("unknown baseline 'cudagraphs'") !=
                std::string::npos);
    }

    // The CLI's --baseline and --compile-mode: bad values are usage errors (exit 2) with the words
    // of the shared checks, before anything runs.
    void cliValidatesBaselineOptions()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        QTemporaryDir dir;
        auto run = [&](const QStringList& extra) {
            QProcess p;
            p.start(cli, QStringList{QStringLiteral("eval"), QStringLiteral("--ref"), QStringLiteral("r.py"),
                                     QStringLiteral("--kernel"), QStringLiteral("k.py"),
                                     QStringLiteral("--db"), dir.filePath(QStringLiteral("h.sqlite"))} +
                             extra);
            p.waitForFinished(60000);
            return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAllStandardError()));
        };
        auto [code, err] = run({QStringLiteral("--baseline"), QStringLiteral("fastest")});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains(QStringLiteral("unknown baseline 'fastest': use eager")), qPrintable(err));
        std::tie(code, err) = run({QStringLiteral("--baseline"), QStringLiteral("both"),
                                   QStringLiteral("--compile-mode"), QStringLiteral("max")});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains(QString::fromStdString(checkCompileMode("max"))), qPrintable(err));
        std::tie(code, err) = run({QStringLiteral("--compile-mode"), QStringLiteral("default")});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains(QStringLiteral("add --baseline compile")), qPrintable(err));
        // Good options get as far as the missing files.
        std::tie(code, err) =
            run({QStringLiteral("--baseline"), QStringLiteral("compile"), QStringLiteral("--compile-mode"),
                 QStringLiteral("max-autotune-no-cudagraphs")});
        QCOMPARE(code, 2);
        QVERIFY2(!err.contains(QStringLiteral("baseline")) && !err.contains(QStringLiteral("compile mode")),
                 qPrintable(err));
    }

    void cliRefusesWithTheSameWords()
    {
        const QString cli = kwtest::cliPath();
        if (!QFile::exists(cli))
            QSKIP("kernelwatch-cli is not built");
        QTemporaryDir dir;
        auto write = [&](const char* name, const std::string& text) {
            QFile f(dir.filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text.data(), qint64(text.size()));
        };
        write("ref.py", kRef);
        write("k.py", "import torch\nclass Candidate: pass\n");
        QProcess p;
        p.setProcessEnvironment([&] {
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("HOME"), dir.path());
            env.insert(QStringLiteral("XDG_DATA_HOME"), dir.path());
            return env;
        }());
        p.start(cli, {QStringLiteral("eval"), QStringLiteral("--ref"), dir.filePath(QStringLiteral("ref.py")),
                      QStringLiteral("--kernel"), dir.filePath(QStringLiteral("k.py")),
                      QStringLiteral("--db"), dir.filePath(QStringLiteral("h.sqlite"))});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        const std::string expected =
            admitRequest(request(kRef, "import torch\nclass Candidate: pass\n"),
                         dir.filePath(QStringLiteral("ref.py")).toStdString(),
                         dir.filePath(QStringLiteral("k.py")).toStdString(), AdmissionMode::Interactive);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains(QByteArray::fromStdString(expected)), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestEvalSession)
#include "tst_eval_session.moc"
