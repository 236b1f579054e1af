#include "core/model/BatchManifest.h"
#include "core/model/ResultExport.h"
#include "core/model/SourceFile.h"
#include "tests/CliTestUtils.h"
#include "tests/TestPrinters.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace kw;

class TestBatchManifest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesLines()
    {
        const auto items = parseManifest(
            "{\"id\": \"a\", \"ref\": \"r.py\", \"kernel\": \"k.py\"}\n"
            "\n# comment\n"
            "{\"id\": 7, \"ref_code\": \"x\", \"kernel_code\": \"y\", \"backend\": \"triton\"}\n"
            "not json\n"
            "{\"ref\": \"r.py\"}\n"
            "{\"ref\": \"r.py\", \"ref_code\": \"x\", \"kernel\": \"k\"}\n"
            "[1,2]\n"
            "{\"id\": \"b\", \"ref\": 5, \"kernel\": \"k\"}");
        QCOMPARE(items.size(), std::size_t(7));
        QCOMPARE(items[0].id, std::string("a"));
        QCOMPARE(items[0].line, std::size_t(1));
        QVERIFY(items[0].error.empty());
        QCOMPARE(items[1].id, std::string("7"));
        QCOMPARE(items[1].line, std::size_t(4));
        QCOMPARE(items[1].backend, std::string("triton"));
        QCOMPARE(items[2].error, std::string("line 5: not valid JSON"));
        QCOMPARE(items[2].id, std::string("line-5"));
        QVERIFY(QString::fromStdString(items[3].error).contains(QStringLiteral("kernel")));
        QVERIFY(QString::fromStdString(items[4].error).contains(QStringLiteral("exactly one of \"ref\"")));
        QVERIFY(QString::fromStdString(items[5].error).contains(QStringLiteral("JSON object")));
        QVERIFY(QString::fromStdString(items[6].error).contains(QStringLiteral("\"ref\" must be a string")));
    }

    void sourceFileChecks()
    {
        QTemporaryDir dir;
        std::string code, err;
        QVERIFY(!readSourceFile(dir.filePath(QStringLiteral("missing.py")).toStdString(), code, err));
        QVERIFY(QString::fromStdString(err).contains(QStringLiteral("no such file")));
        QVERIFY(!readSourceFile(dir.path().toStdString(), code, err));
        QVERIFY(QString::fromStdString(err).contains(QStringLiteral("folder")));
        QFile empty(dir.filePath(QStringLiteral("empty.py")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.write("  \n");
        empty.close();
        QVERIFY(!readSourceFile(empty.fileName().toStdString(), code, err));
        QVERIFY(QString::fromStdString(err).contains(QStringLiteral("empty")));
        QFile big(dir.filePath(QStringLiteral("big.py")));
        QVERIFY(big.open(QIODevice::WriteOnly));
        big.write(QByteArray(1 << 20 | 1, 'a'));
        big.close();
        QVERIFY(!readSourceFile(big.fileName().toStdString(), code, err));
        QVERIFY(QString::fromStdString(err).contains(QStringLiteral("1 MiB")));

        QVERIFY(checkReferenceSource("import torch\nclass Model(nn.Module):\n  pass\ndef get_inputs(): pass",
                                     "r.py")
                    .empty());
        QVERIFY(
            !checkReferenceSource("class ModelNew(nn.Module): pass\ndef get_inputs(): pass", "r.py").empty());
        QVERIFY(!checkReferenceSource("class Model(nn.Module): pass", "r.py").empty());
        QVERIFY(checkKernelSource("x = 1\nclass ModelNew(nn.Module):\n pass", "k.py").empty());
        QVERIFY(QString::fromStdString(checkKernelSource("class Model(nn.Module): pass", "k.py"))
                    .startsWith(QStringLiteral("k.py: no 'class ModelNew'")));
    }

    void csvQuoting()
    {
        QCOMPARE(exportfmt::csvField("plain"), std::string("plain"));
        QCOMPARE(exportfmt::csvField("a,b"), std::string("\"a,b\""));
        QCOMPARE(exportfmt::csvField("say \"hi\"\n"), std::string("\"say \"\"hi\"\"\n\""));
        HistoryRow r;
        r.id = "x";
        r.problem = "level1/1,odd";
        r.status = EvalStatus::Correct;
        r.speedup = 2.5;
        const std::string line = exportfmt::csvRow(r);
        QVERIFY(QString::fromStdString(line).contains(QStringLiteral("\"level1/1,odd\"")));
        QVERIFY(QString::fromStdString(line).contains(QStringLiteral(",correct,2.5,")));
        const std::string header = exportfmt::csvHeader();
        // the problem's quoted comma is the one extra
        QCOMPARE(std::count(line.begin(), line.end(), ','),
                 std::count(header.begin(), header.end(), ',') + 1);
    }

    // Unusable items are reported per line and counted in the summary, whatever made them
    // unusable (not JSON, a missing field, a file that is not there); none starts an evaluator.
    void cliCountsEveryUnusableItem()
    {
        QTemporaryDir dir;
        const QString manifest = dir.filePath(QStringLiteral("m.jsonl"));
        QFile f(manifest);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"id\": \"gone\", \"ref\": \"nope_ref.py\", \"kernel\": \"nope.py\"}\n"
                "not json\n"
                "{\"id\": \"half\", \"kernel_code\": \"class ModelNew: pass\"}\n");
        f.close();
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KERNELWATCH_PYTHON"),
                   QStringLiteral("/nonexistent/python3")); // never needed
        const kwtest::CliRun r =
            kwtest::runCli(kwtest::cliPath(),
                           {QStringLiteral("batch"), QStringLiteral("--manifest"), manifest,
                            QStringLiteral("--db"), dir.filePath(QStringLiteral("h.sqlite"))},
                           env, 60000);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains("3 items, 0 evaluated, 0 resumed, 3 unusable"), r.err.constData());
        QVERIFY2(r.out.contains("nope_ref.py: no such file"), r.out.constData());
        QVERIFY(r.out.contains("line 2: not valid JSON"));
        QCOMPARE(r.out.count('\n'), 3);
    }
};

QTEST_GUILESS_MAIN(TestBatchManifest)
#include "tst_batchmanifest.moc"
