// kernelwatch-cli's `modal` and `config` commands end to end: the built binary against the fake
// modal client, the endpoint double and temporary YAML files.
#include "tests/CliTestUtils.h"
#include "tests/doubles/EndpointDouble.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

QString fixturesDir()
{
    return QString::fromStdString(kwtest::fixturesPath());
}

} // namespace

class TestModalCommands : public QObject
{
    Q_OBJECT

private:
    Run cli(const QStringList& args, const QStringList& extraEnv = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KERNELWATCH_MODAL_BIN"),
                   kwtest::doublesDir() + QStringLiteral("/bin/modal"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
        env.remove(QStringLiteral("KERNELWATCH_MODAL_ENDPOINT"));
        env.remove(QStringLiteral("KERNELWATCH_PROXY_KEY"));
        env.remove(QStringLiteral("KERNELWATCH_PROXY_SECRET"));
        for (const QString& kv : extraEnv)
            env.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
        p.setProcessEnvironment(env);
        p.start(m_cli, args);
        Run r;
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
        }
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    QString copyFixture(const QString& name)
    {
        const QString dst = m_home.path() + QLatin1Char('/') + name;
        QFile::remove(dst);
        QFile::remove(dst + QStringLiteral(".bak"));
        QFile::copy(fixturesDir() + QStringLiteral("/yaml/") + name, dst);
        QFile::setPermissions(dst, QFile::ReadOwner | QFile::WriteOwner);
        return dst;
    }

    static QByteArray readAll(const QString& path)
    {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }

private slots:
    void initTestCase()
    {
        m_cli = kwtest::cliPath();
        if (!QFile::exists(m_cli))
            QSKIP("kernelwatch-cli is not built (ninja kernelwatch-cli)");
        QVERIFY(m_home.isValid());
    }

    void configShowAndSet()
    {
        const QString file = copyFixture(QStringLiteral("rl_kernelbench.yaml"));
        const QByteArray before = readAll(file);
        auto show = cli({QStringLiteral("config"), QStringLiteral("show"), file, QStringLiteral("--json")});
        QCOMPARE(show.code, 0);
        const auto s = QJsonDocument::fromJson(show.out).object()[QStringLiteral("settings")].toObject();
        QCOMPARE(s[QStringLiteral("modal_gpu_type")].toString(), QStringLiteral("H100"));
        QCOMPARE(s[QStringLiteral("modal_timeout")].toString(), QStringLiteral("300"));

        auto set =
            cli({QStringLiteral("config"), QStringLiteral("set"), file, QStringLiteral("modal_timeout=900"),
                 QStringLiteral("dataset_builder.use_modal=true")});
        QVERIFY2(set.code == 0, set.err.constData());
        QVERIFY(set.out.contains("modal_timeout: 300 -> 900"));
        QByteArray expect = before;
        expect.replace("modal_timeout: 300", "modal_timeout: 900");
        expect.replace("use_modal: false ", "use_modal: true ");
        QCOMPARE(readAll(file), expect);
        QCOMPARE(readAll(file + QStringLiteral(".bak")), before);
        QCOMPARE(int(QFile::permissions(file) & (QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup)),
                 int(QFile::ReadOwner | QFile::WriteOwner));

        auto bad =
            cli({QStringLiteral("config"), QStringLiteral("set"), file, QStringLiteral("modal_timeout=5")});
        QCOMPARE(bad.code, 2);
        QVERIFY(bad.err.contains("10 to 86400"));
        QCOMPARE(readAll(file), expect);

        auto gpu = cli(
            {QStringLiteral("config"), QStringLiteral("set"), file, QStringLiteral("modal_gpu_type=V100")});
        QCOMPARE(gpu.code, 2);
        QVERIFY(gpu.err.contains("unknown GPU type"));

        auto dry = cli({QStringLiteral("config"), QStringLiteral("set"), file,
                        QStringLiteral("backend=triton"), QStringLiteral("--dry-run")});
        QCOMPARE(dry.code, 0);
        QCOMPARE(readAll(file), expect);
    }

    void modalListsAndFailures()
    {
        auto apps = cli({QStringLiteral("modal"), QStringLiteral("apps"), QStringLiteral("--json")});
        QVERIFY2(apps.code == 0, apps.err.constData());
        QCOMPARE(QJsonDocument::fromJson(apps.out).array().size(), 7); // 1.5.4's recorded app list
        auto containers = cli({QStringLiteral("modal"), QStringLiteral("containers")});
        QCOMPARE(containers.code, 0);
        QVERIFY(containers.out.contains("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FB"));
        QVERIFY(containers.out.contains("pending"));
        auto logs = cli({QStringLiteral("modal"), QStringLiteral("logs"), QStringLiteral("--json")});
        QCOMPARE(logs.code, 0);
        QCOMPARE(logs.out.count("\"eval\""), 2);
        auto noToken = cli({QStringLiteral("modal"), QStringLiteral("apps")},
                           {QStringLiteral("FAKE_MODAL_SCENARIO=token_missing")});
        QCOMPARE(noToken.code, 1);
        QVERIFY(noToken.err.contains("fix: run `modal token new`"));
        auto missing = cli({QStringLiteral("modal"), QStringLiteral("stop-app"), QStringLiteral("nope"),
                            QStringLiteral("--json")});
        QCOMPARE(missing.code, 1);
        QCOMPARE(QJsonDocument::fromJson(missing.out).object()[QStringLiteral("cause")].toString(),
                 QStringLiteral("app_not_found"));
        auto noCli = cli({QStringLiteral("modal"), QStringLiteral("apps"), QStringLiteral("--modal"),
                          QStringLiteral("/nonexistent/modal")});
        QCOMPARE(noCli.code, 3);
        QVERIFY(noCli.err.contains("pipx install 'modal>=1.4.2'"));
    }

    void deploySavesEndpointAndStatusPasses()
    {
        QDir().mkpath(m_home.path() + QStringLiteral("/evaluator"));
        const QString app = m_home.path() + QStringLiteral("/evaluator/modal_app.py");
        QFile f(app);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("# stand-in\n");
        f.close();
        auto deploy = cli({QStringLiteral("modal"), QStringLiteral("deploy"), QStringLiteral("--file"), app,
                           QStringLiteral("--gpu"), QStringLiteral("a100-80gb"), QStringLiteral("--timeout"),
                           QStringLiteral("600"), QStringLiteral("--json")});
        QVERIFY2(deploy.code == 0, deploy.err.constData());
        const auto j = QJsonDocument::fromJson(deploy.out).object();
        QCOMPARE(j[QStringLiteral("endpoint")].toString(),
                 QStringLiteral("https://kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run"));
        QCOMPARE(j[QStringLiteral("gpu")].toString(), QStringLiteral("A100-80GB"));
        QVERIFY(QFile::exists(m_home.path() + QStringLiteral("/config/kernelwatch/modal.json")));
        QVERIFY(deploy.err.contains("App deployed")); // the streamed output

        kwtest::EndpointDouble dbl;
        if (!dbl.ok())
            QSKIP("endpoint double did not start");
        const QString endpoint = QString::fromStdString(dbl.url("/ok"));
        auto status =
            cli({QStringLiteral("modal"), QStringLiteral("status"), QStringLiteral("--json"),
                 QStringLiteral("--endpoint"), endpoint, QStringLiteral("--timeout"), QStringLiteral("200")},
                {QStringLiteral("KERNELWATCH_PROXY_KEY=wk-double-key"),
                 QStringLiteral("KERNELWATCH_PROXY_SECRET=ws-double-secret")});
        QVERIFY2(status.code == 0, status.out.constData());
        QVERIFY(!status.out.contains("ws-double-secret"));
        const auto checks = QJsonDocument::fromJson(status.out).object()[QStringLiteral("checks")].toArray();
        QCOMPARE(checks.size(), 6);
        // The workspace by its name: modal prints "Workspace: kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)".
        bool sawToken = false;
        for (const auto& c : checks) {
            if (c.toObject()[QStringLiteral("id")].toString() != QStringLiteral("token"))
                continue;
            sawToken = true;
            const QString detail = c.toObject()[QStringLiteral("detail")].toString();
            QVERIFY2(detail.endsWith(QStringLiteral(" in workspace kernel-lab")), qPrintable(detail));
        }
        QVERIFY(sawToken);

        auto tooLong = cli({QStringLiteral("modal"), QStringLiteral("status"), QStringLiteral("--endpoint"),
                            endpoint, QStringLiteral("--timeout"), QStringLiteral("900")},
                           {QStringLiteral("KERNELWATCH_PROXY_KEY=wk-double-key"),
                            QStringLiteral("KERNELWATCH_PROXY_SECRET=ws-double-secret")});
        QCOMPARE(tooLong.code, 1);
        QVERIFY(tooLong.out.contains("redeploy: kernelwatch-cli modal deploy --timeout 900"));

        auto noAuth =
            cli({QStringLiteral("modal"), QStringLiteral("status"), QStringLiteral("--endpoint"), endpoint});
        QCOMPARE(noAuth.code, 1);
        QVERIFY(noAuth.out.contains("proxy auth rejected"));
    }

    void watchModalStoresLogResults()
    {
        const QString db = m_home.path() + QStringLiteral("/watch-modal.sqlite");
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KERNELWATCH_MODAL_BIN"),
                   kwtest::doublesDir() + QStringLiteral("/bin/modal"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
        env.insert(QStringLiteral("FAKE_MODAL_FOLLOW"),
                   QStringLiteral("5")); // the recorded 5 lines, then the stream ends: reconnects
        p.setProcessEnvironment(env);
        p.start(m_cli, {QStringLiteral("watch"), QStringLiteral("--modal"), QStringLiteral("--json"),
                        QStringLiteral("--db"), db});
        QVERIFY(p.waitForStarted());
        QByteArray out, err;
        QElapsedTimer t;
        t.start();
        // Two results, then the stream ends and is followed again (replayed results not repeated).
        while (t.elapsed() < 20000 && !err.contains("reconnecting")) {
            p.waitForReadyRead(100);
            out += p.readAllStandardOutput();
            err += p.readAllStandardError();
        }
        QTest::qWait(1500);
        out += p.readAllStandardOutput();
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        out += p.readAllStandardOutput();
        err += p.readAllStandardError();
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(err.contains("reconnecting"), err.constData());
        QList<QJsonObject> results;
        for (const QByteArray& l : out.split('\n'))
            if (const QJsonDocument d = QJsonDocument::fromJson(l); d.isObject())
                results.push_back(d.object());
        QCOMPARE(results.size(), 2); // r1 and r2 once each
        QCOMPARE(results[0][QStringLiteral("id")].toString(), QStringLiteral("r1"));
        QCOMPARE(results[0][QStringLiteral("worker")].toObject()[QStringLiteral("container_id")].toString(),
                 QStringLiteral("ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"));
        QCOMPARE(results[1][QStringLiteral("status")].toString(), QStringLiteral("compile_error"));
        auto hist = cli({QStringLiteral("history"), QStringLiteral("--db"), db, QStringLiteral("--source"),
                         QStringLiteral("modal"), QStringLiteral("--json")});
        QCOMPARE(hist.code, 0);
        QCOMPARE(hist.out.count('\n'), 2);

        auto bad = cli({QStringLiteral("watch"), QStringLiteral("--modal"), QStringLiteral("somewhere")});
        QCOMPARE(bad.code, 2);
    }

private:
    QTemporaryDir m_home;
    QString m_cli;
};

QTEST_GUILESS_MAIN(TestModalCommands)
#include "tst_modal_commands.moc"
