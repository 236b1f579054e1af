// Secrets never reach a file (issue: reliability, "Secrets"): with known token values in the
// environment, kernelwatch-cli evaluates locally (a kernel that dumps its whole environment into
// its log) and on Modal (the endpoint double, which needs the proxy token), runs a batch, exports
// the history as CSV and JSON; then every file written under the test's home, the store and its
// WAL included, and everything printed, is searched for the token values.
#include "tests/CliTestUtils.h"
#include "tests/doubles/EndpointDouble.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QByteArray kModalTokenId = "ak-canary-tokenid-5f1c2e";
const QByteArray kModalTokenSecret = "as-canary-tokensecret-9d7b31";
const QByteArray kHfToken = "hf_canaryHFtoken42e0";

} // namespace

class TestSecretsScan : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_home;
    QByteArray m_printed; // every stdout and stderr byte of every command

    QList<QByteArray> canaries() const
    {
        return {kModalTokenId, kModalTokenSecret, kHfToken, QByteArray(kwtest::EndpointDouble::kSecret)};
    }

    int cli(const QStringList& args, const QString& stdoutFile = {})
    {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("HOME"), m_home.filePath(QStringLiteral("home")));
        e.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        e.insert(QStringLiteral("MODAL_TOKEN_ID"), QString::fromLatin1(kModalTokenId));
        e.insert(QStringLiteral("MODAL_TOKEN_SECRET"), QString::fromLatin1(kModalTokenSecret));
        e.insert(QStringLiteral("HF_TOKEN"), QString::fromLatin1(kHfToken));
        e.insert(QStringLiteral("KERNELWATCH_PROXY_KEY"), QString::fromLatin1(kwtest::EndpointDouble::kKey));
        e.insert(QStringLiteral("KERNELWATCH_PROXY_SECRET"),
                 QString::fromLatin1(kwtest::EndpointDouble::kSecret));
        p.setProcessEnvironment(e);
        if (!stdoutFile.isEmpty())
            p.setStandardOutputFile(stdoutFile);
        p.start(m_cli, args);
        if (!p.waitForFinished(600000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        m_printed += p.readAllStandardOutput();
        m_printed += p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = kwtest::cliPath();
        if (!QFile::exists(m_cli))
            QSKIP("kernelwatch-cli is not built");
        QVERIFY(m_home.isValid());
        QVERIFY(QDir().mkpath(m_home.filePath(QStringLiteral("home"))));
    }

    void tokensAppearInNoFileWritten()
    {
        if (!kwtest::torchPython())
            QSKIP("/usr/bin/python3 cannot import torch (apt install python3-torch)");
        kwtest::EndpointDouble endpoint;
        if (!endpoint.ok())
            QSKIP("the endpoint double did not start");

        const QString samples = kwtest::sourceDir() + QStringLiteral("/resources/samples");
        const QString ref = samples + QStringLiteral("/relu_ref.py");
        // A kernel that prints its environment (its log tail is stored with the result).
        const QString leaky = m_home.filePath(QStringLiteral("leaky_kernel.py"));
        {
            QFile f(leaky);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("import os, sys\nimport torch\nimport torch.nn as nn\n"
                    "print('ENV', dict(os.environ), flush=True)\n"
                    "print('ENV', dict(os.environ), file=sys.stderr, flush=True)\n"
                    "class ModelNew(nn.Module):\n"
                    "    def forward(self, x):\n"
                    "        print('FWD', os.environ.get('MODAL_TOKEN_SECRET'), os.environ.get('HF_TOKEN'))\n"
                    "        return torch.relu(x)\n");
        }
        const QString db = m_home.filePath(QStringLiteral("data/history.sqlite"));
        const QStringList local{
            QStringLiteral("--device"),         QStringLiteral("cpu"),      QStringLiteral("--python"),
            QStringLiteral("/usr/bin/python3"), QStringLiteral("--trials"), QStringLiteral("1"),
            QStringLiteral("--no-perf"),        QStringLiteral("--db"),     db};

        QCOMPARE(cli(QStringList{QStringLiteral("eval"), QStringLiteral("--ref"), ref,
                                 QStringLiteral("--kernel"), leaky, QStringLiteral("--json")} +
                         local,
                     m_home.filePath(QStringLiteral("eval.json"))),
                 0);
        QVERIFY(QFile(m_home.filePath(QStringLiteral("eval.json"))).size() > 0);

        QCOMPARE(cli({QStringLiteral("eval"), QStringLiteral("--ref"), ref, QStringLiteral("--kernel"),
                      samples + QStringLiteral("/relu_kernel.py"), QStringLiteral("--target"),
                      QStringLiteral("modal"), QStringLiteral("--gpu"), QStringLiteral("H100"),
                      QStringLiteral("--endpoint"), QString::fromStdString(endpoint.url("/ok")),
                      QStringLiteral("--db"), db, QStringLiteral("--json")}),
                 0);

        const QString manifest = m_home.filePath(QStringLiteral("m.jsonl"));
        {
            QFile f(manifest);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                QStringLiteral(
                    "{\"id\": \"a\", \"ref\": \"%1\", \"kernel\": \"%2\"}\n{\"id\": \"b\", \"ref\": \"%1\", "
                    "\"kernel\": \"%3\"}\n")
                    .arg(ref, leaky, samples + QStringLiteral("/relu_kernel.py"))
                    .toUtf8());
        }
        QCOMPARE(cli(QStringList{QStringLiteral("batch"), QStringLiteral("--manifest"), manifest,
                                 QStringLiteral("--out"), m_home.filePath(QStringLiteral("batch.jsonl"))} +
                     local),
                 0);
        QCOMPARE(cli({QStringLiteral("history"), QStringLiteral("--db"), db, QStringLiteral("--limit"),
                      QStringLiteral("0"), QStringLiteral("--csv")},
                     m_home.filePath(QStringLiteral("export.csv"))),
                 0);
        QCOMPARE(cli({QStringLiteral("history"), QStringLiteral("--db"), db, QStringLiteral("--limit"),
                      QStringLiteral("0"), QStringLiteral("--json")},
                     m_home.filePath(QStringLiteral("export.jsonl"))),
                 0);

        // The leaky kernel ran and its output was kept: the scan below looks at real logs.
        QFile exported(m_home.filePath(QStringLiteral("export.jsonl")));
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const QByteArray exportedText = exported.readAll();
        QVERIFY(exportedText.contains("modal:H100"));
        QVERIFY2(QFile(db).size() > 0, "no store written");

        int files = 0;
        QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (path == leaky)
                continue;
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QByteArray bytes = f.readAll();
            ++files;
            for (const QByteArray& c : canaries())
                QVERIFY2(!bytes.contains(c), qPrintable(QStringLiteral("%1 holds a token value").arg(path)));
        }
        QVERIFY(files >= 5);
        for (const QByteArray& c : canaries())
            QVERIFY2(!m_printed.contains(c), "a token value was printed");
    }
};

QTEST_GUILESS_MAIN(TestSecretsScan)
#include "tst_secrets_scan.moc"
