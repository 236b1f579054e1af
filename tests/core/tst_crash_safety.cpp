// Crash safety of the built kernelwatch-cli (issue: reliability): SIGKILL during a 50-kernel
// batch keeps every printed result in the store and `--resume` skips them; SIGKILL during a config
// edit leaves the old file or the new one; SIGKILL of a run watcher keeps every result it
// reported. The batch runs PyTorch-only kernels on the CPU with the Python that has torch.
#include "core/model/HistoryStore.h"
#include "tests/CliTestUtils.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void hardKill(QProcess& p)
{
    ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
    p.waitForFinished(10000);
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_home;

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        return e;
    }

    // Lines of `path` that are complete JSON objects (the last one may be cut by the kill).
    static QList<QJsonObject> jsonLines(const QString& path)
    {
        QList<QJsonObject> out;
        const QByteArray all = readAll(path);
        for (const QByteArray& line : all.split('\n')) {
            const QJsonDocument d = QJsonDocument::fromJson(line);
            if (d.isObject())
                out.push_back(d.object());
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = kwtest::cliPath();
        if (!QFile::exists(m_cli))
            QSKIP("kernelwatch-cli is not built");
        QVERIFY(m_home.isValid());
    }

    void killedBatchKeepsPrintedResultsAndResumes()
    {
        if (!kwtest::torchPython())
            QSKIP("/usr/bin/python3 cannot import torch (apt install python3-torch)");
        const QString samples = kwtest::sourceDir() + QStringLiteral("/resources/samples");
        const QString manifest = m_home.filePath(QStringLiteral("fifty.jsonl"));
        {
            QFile f(manifest);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 50; ++i)
                f.write(
                    QStringLiteral(
                        "{\"id\": \"k%1\", \"ref\": \"%2/relu_ref.py\", \"kernel\": \"%2/relu_kernel.py\"}\n")
                        .arg(i, 2, 10, QLatin1Char('0'))
                        .arg(samples)
                        .toUtf8());
        }
        const QString db = m_home.filePath(QStringLiteral("batch.sqlite"));
        const QString out = m_home.filePath(QStringLiteral("out.jsonl"));
        const QStringList args{QStringLiteral("batch"),
                               QStringLiteral("--manifest"),
                               manifest,
                               QStringLiteral("--device"),
                               QStringLiteral("cpu"),
                               QStringLiteral("--python"),
                               QStringLiteral("/usr/bin/python3"),
                               QStringLiteral("--trials"),
                               QStringLiteral("1"),
                               QStringLiteral("--no-perf"),
                               QStringLiteral("--db"),
                               db,
                               QStringLiteral("--out"),
                               out};

        QProcess batch;
        batch.setProcessEnvironment(env());
        batch.start(m_cli, args);
        QVERIFY(batch.waitForStarted());
        // Kill it once a few results are out, while the rest are still being evaluated.
        QElapsedTimer t;
        t.start();
        while (jsonLines(out).size() < 5 && t.elapsed() < 240000 && batch.state() == QProcess::Running)
            QTest::qWait(20);
        QVERIFY2(batch.state() == QProcess::Running, batch.readAllStandardError().constData());
        hardKill(batch);
        const QList<QJsonObject> printed = jsonLines(out);
        QVERIFY(printed.size() >= 5);
        QVERIFY2(printed.size() < 50, "the batch finished before it could be killed");

        {
            kw::HistoryStore store(db.toStdString());
            for (const QJsonObject& r : printed)
                QVERIFY2(store.contains(r.value(QStringLiteral("id")).toString().toStdString()),
                         qPrintable(r.value(QStringLiteral("manifest_id")).toString()));
        }

        // Resume: everything stored is skipped, the rest is evaluated, nothing twice.
        QProcess resume;
        resume.setProcessEnvironment(env());
        resume.start(m_cli, args + QStringList{QStringLiteral("--resume")});
        QVERIFY(resume.waitForFinished(600000));
        const QString err = QString::fromUtf8(resume.readAllStandardError());
        QCOMPARE(resume.exitCode(), 0);
        const QRegularExpression summary(QStringLiteral("50 items, (\\d+) evaluated, (\\d+) resumed"));
        const auto m = summary.match(err);
        QVERIFY2(m.hasMatch(), qPrintable(err));
        const int evaluated = m.captured(1).toInt(), resumed = m.captured(2).toInt();
        QVERIFY2(resumed >= int(printed.size()), qPrintable(err));
        QCOMPARE(evaluated + resumed, 50);
        kw::HistoryStore store(db.toStdString());
        QCOMPARE(store.count(), std::size_t(50));
    }

    void killedConfigEditLeavesOldOrNew()
    {
        const QString file = m_home.filePath(QStringLiteral("rl_kernelbench.yaml"));
        QFile::remove(file);
        QVERIFY(QFile::copy(kwtest::sourceDir() + QStringLiteral("/tests/fixtures/yaml/rl_kernelbench.yaml"),
                            file));
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        QByteArray current = readAll(file);
        QVERIFY(current.contains("modal_timeout: 300"));
        int killedMidway = 0;
        for (int i = 0; i < 40; ++i) {
            const int value = 400 + i;
            QByteArray next = current;
            next.replace(QRegularExpression(QStringLiteral("modal_timeout: \\d+"))
                             .match(QString::fromUtf8(current))
                             .captured(0)
                             .toUtf8(),
                         "modal_timeout: " + QByteArray::number(value));
            QProcess p;
            p.setProcessEnvironment(env());
            p.start(m_cli, {QStringLiteral("config"), QStringLiteral("set"), file,
                            QStringLiteral("modal_timeout=%1").arg(value)});
            QVERIFY(p.waitForStarted());
            QThread::usleep(QRandomGenerator::global()->bounded(6000));
            const bool running = p.state() == QProcess::Running;
            hardKill(p);
            killedMidway += running;
            const QByteArray after = readAll(file);
            QVERIFY2(after == current || after == next, after.constData());
            current = after;
        }
        QVERIFY(killedMidway > 0);
        // No temporary file left behind where the user would see it as a second config.
        const QStringList left =
            QDir(m_home.path()).entryList({QStringLiteral("rl_kernelbench.yaml*")}, QDir::Files);
        for (const QString& name : left)
            QVERIFY2(name == QStringLiteral("rl_kernelbench.yaml") ||
                         name == QStringLiteral("rl_kernelbench.yaml.bak") ||
                         name.contains(QStringLiteral(".tmp")),
                     qPrintable(name));
    }

    void killedWatcherKeepsReportedResults()
    {
        const QString run = m_home.filePath(QStringLiteral("run-kill"));
        QVERIFY(QDir().mkpath(run));
        const QByteArray line =
            readAll(kwtest::sourceDir() +
                    QStringLiteral("/tests/fixtures/kernel_rl/runs/single_turn/traces.jsonl"))
                .split('\n')
                .first();
        QVERIFY2(!line.isEmpty(), "fixture traces line missing");
        const QString db = m_home.filePath(QStringLiteral("watch.sqlite"));
        QProcess w;
        w.setProcessEnvironment(env());
        w.start(m_cli, {QStringLiteral("watch"), run, QStringLiteral("--json"), QStringLiteral("--db"), db});
        QVERIFY(w.waitForStarted());
        QFile traces(run + QStringLiteral("/traces.jsonl"));
        QVERIFY(traces.open(QIODevice::WriteOnly | QIODevice::Append));
        // Lines differ by step and turn so that each is its own evaluation.
        const QJsonObject base = QJsonDocument::fromJson(line).object();
        QVERIFY(!base.isEmpty());
        QByteArray printed;
        for (int i = 0; i < 60; ++i) {
            QJsonObject o = base;
            o[QStringLiteral("step")] = 1000 + i / 4;
            o[QStringLiteral("turn")] = i % 4;
            traces.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            traces.flush();
            QTest::qWait(10);
            printed += w.readAllStandardOutput();
        }
        QElapsedTimer t;
        t.start();
        while (printed.count('\n') < 20 && t.elapsed() < 20000) {
            w.waitForReadyRead(200);
            printed += w.readAllStandardOutput();
        }
        hardKill(w);
        printed += w.readAllStandardOutput();
        int n = 0;
        kw::HistoryStore store(db.toStdString());
        for (const QByteArray& l : printed.split('\n')) {
            const QJsonObject r = QJsonDocument::fromJson(l).object();
            if (r.isEmpty())
                continue;
            ++n;
            QVERIFY2(store.contains(r.value(QStringLiteral("id")).toString().toStdString()), l.constData());
        }
        QVERIFY2(n >= 20, printed.constData());
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crash_safety.moc"
