// kernelwatch-cli reads the GUI's settings file (core/usecase/AppSettings): a Python path set
// there is the one `doctor` checks and `eval` builds its evaluator with, the environment and the
// command line win over it, and `doctor` says where each value came from.
#include "core/config/QtIni.h"
#include "tests/CliTestUtils.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

class TestSettingsCli : public QObject
{
    Q_OBJECT

    QString m_cli, m_src;
    QTemporaryDir m_dir;

    using Run = kwtest::CliRun;
    Run cli(const QStringList& args, const QMap<QString, QString>& env = {})
    {
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        e.insert(QStringLiteral("KERNELWATCH_SETTINGS"), settingsPath());
        e.remove(QStringLiteral("KERNELWATCH_PYTHON"));
        for (auto it = env.begin(); it != env.end(); ++it)
            e.insert(it.key(), it.value());
        return kwtest::runCli(m_cli, args, e, 180000);
    }
    QString settingsPath() const { return m_dir.filePath(QStringLiteral("kernelwatch.conf")); }
    // A Python that notes each start in `marker`, then is Debian's python3.
    QString wrapper(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        const QString marker = path + QStringLiteral(".used");
        std::ofstream f(path.toStdString());
        f << "#!/bin/sh\necho started >> '" << marker.toStdString() << "'\nexec /usr/bin/python3 \"$@\"\n";
        f.close();
        QFile::setPermissions(path, QFile::permissions(path) | QFileDevice::ExeOwner);
        return path;
    }
    void writeSettings(const std::string& python)
    {
        kw::QtIniFile f;
        f.set("local/python", kw::QtIniValue::string(python));
        f.set("profile/ncu", kw::QtIniValue::string("/nonexistent/ncu"));
        std::ofstream(settingsPath().toStdString()) << kw::writeQtIni(f);
    }
    static QJsonObject settingRow(const QJsonObject& doctor, const QString& name)
    {
        for (const auto& v : doctor[QStringLiteral("settings")][QStringLiteral("values")].toArray())
            if (v.toObject()[QStringLiteral("name")].toString() == name)
                return v.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = kwtest::cliPath();
        m_src = kwtest::sourceDir();
        if (!QFile::exists(m_cli))
            QSKIP("kernelwatch-cli is not built");
        QVERIFY(m_dir.isValid());
    }

    void doctorUsesTheSettingsFilesPython()
    {
        if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
            QSKIP("needs /usr/bin/python3");
        const QString python = wrapper(QStringLiteral("gui-python"));
        writeSettings(python.toStdString());
        const Run r = cli({QStringLiteral("doctor"), QStringLiteral("--json")});
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!doc.isEmpty(), r.err.constData());
        QCOMPARE(doc[QStringLiteral("python")][QStringLiteral("path")].toString(), python);
        QVERIFY(QFile::exists(python + QStringLiteral(".used")));
        const QJsonObject row = settingRow(doc, QStringLiteral("python"));
        QCOMPARE(row[QStringLiteral("value")].toString(), python);
        QCOMPARE(row[QStringLiteral("from")].toString(), settingsPath() + QStringLiteral(" [local/python]"));
        QCOMPARE(settingRow(doc, QStringLiteral("ncu"))[QStringLiteral("value")].toString(),
                 QStringLiteral("/nonexistent/ncu"));
        QCOMPARE(doc[QStringLiteral("ncu")].toString(), QString()); // the configured path, not found
        QVERIFY(doc[QStringLiteral("settings")][QStringLiteral("file_found")].toBool());

        // The environment wins over the file, the command line over both.
        const QString envPython = wrapper(QStringLiteral("env-python"));
        Run e = cli({QStringLiteral("doctor"), QStringLiteral("--json")},
                    {{QStringLiteral("KERNELWATCH_PYTHON"), envPython}});
        QJsonObject d = QJsonDocument::fromJson(e.out).object();
        QCOMPARE(d[QStringLiteral("python")][QStringLiteral("path")].toString(), envPython);
        QCOMPARE(settingRow(d, QStringLiteral("python"))[QStringLiteral("from")].toString(),
                 QStringLiteral("KERNELWATCH_PYTHON"));
        e = cli({QStringLiteral("doctor"), QStringLiteral("--json"), QStringLiteral("--python"),
                 QStringLiteral("/usr/bin/python3")},
                {{QStringLiteral("KERNELWATCH_PYTHON"), envPython}});
        d = QJsonDocument::fromJson(e.out).object();
        QCOMPARE(d[QStringLiteral("python")][QStringLiteral("path")].toString(),
                 QStringLiteral("/usr/bin/python3"));
        QCOMPARE(settingRow(d, QStringLiteral("python"))[QStringLiteral("from")].toString(),
                 QStringLiteral("--python"));

        // The text form names the file and the source of each value.
        const Run text = cli({QStringLiteral("doctor")});
        QVERIFY2(text.out.contains(("settings (option > environment > " + settingsPath().toStdString() +
                                    " > modal.json > default):")
                                       .c_str()),
                 text.out.constData());
        QVERIFY(text.out.contains(("[" + settingsPath().toStdString() + " [local/python]]").c_str()));
    }

    // eval builds its evaluator with the settings file's Python (here one that does not exist, so
    // the answer is immediate and names it).
    void evalUsesTheSettingsFilesPython()
    {
        writeSettings("/nonexistent/gui/python3");
        const Run r =
            cli({QStringLiteral("eval"), QStringLiteral("--ref"),
                 m_src + QStringLiteral("/resources/samples/relu_ref.py"), QStringLiteral("--kernel"),
                 m_src + QStringLiteral("/resources/samples/relu_kernel.py"), QStringLiteral("--device"),
                 QStringLiteral("cpu"), QStringLiteral("--no-perf")});
        QVERIFY2(r.code != 0, r.out.constData());
        QVERIFY2((r.out + r.err).contains("/nonexistent/gui/python3"), (r.out + r.err).constData());
    }

    void badSettingsValuesAreReported()
    {
        std::ofstream(settingsPath().toStdString()) << "[defaults]\nperfTrials=lots\n";
        const Run r = cli({QStringLiteral("doctor")});
        QVERIFY2(r.out.contains("PROBLEM: " + settingsPath().toUtf8() +
                                " [defaults/perfTrials]: 'lots' is not a number; the default 100 is used"),
                 r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestSettingsCli)
#include "tst_settings_cli.moc"
