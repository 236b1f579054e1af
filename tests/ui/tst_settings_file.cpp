// The GUI's settings file and the core's settings model agree: the fixtures under
// tests/fixtures/settings/ are what ui::Settings (and QSettings itself) write, recorded by this
// test (KW_RECORD_SETTINGS=1, see the README there); here they are written again and compared
// byte for byte, and the core model (core/usecase/AppSettings over core/config/QtIni) reads
// every value the GUI's Settings reads.
#include "core/base/ChildEnv.h"
#include "core/config/QtIni.h"
#include "core/usecase/AppSettings.h"
#include "ui/base/Settings.h"
#include "ui/settings/MemoryCapRow.h"
#include "ui/settings/PythonTestRow.h"

#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QSettings>
#include <QSize>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace kw;
using namespace kw::ui;

namespace {

QString fixtureDir()
{
    return qEnvironmentVariable("KW_TEST_FIXTURES") + QStringLiteral("/settings");
}

// What a user's Settings panel typically holds.
void writeTypical(Settings& s)
{
    s.setPythonPath(QStringLiteral("/opt/conda/envs/kb/bin/python3"));
    s.setDevices({QStringLiteral("cuda:0"), QStringLiteral("cuda:1"), QStringLiteral("cuda:1")});
    s.setCpuConcurrency(4);
    s.setMemLimitMb(6144);
    s.setCacheDir(QStringLiteral("/scratch/kw-cache"));
    s.setHistoryPath(QStringLiteral("/data/kw/history.sqlite"));
    s.setNcuPath(QStringLiteral("/usr/local/cuda-12.4/bin/ncu"));
    s.setModalEndpoint(QStringLiteral("https://me--kernel-rl-evaluator-evaluate-http.modal.run"));
    s.setModalGpuType(QStringLiteral("A100-80GB"));
    s.setModalTimeoutS(900);
    s.setModalProxyKey(QStringLiteral("wk-abc123"));
    s.setModalProxySecret(QStringLiteral("ws-secret456"));
    s.setModalCliPath(QStringLiteral("/home/me/.local/bin/modal"));
    s.setCorrectTrials(7);
    s.setPerfTrials(250);
    s.setPrecision(QStringLiteral("bf16"));
    s.setTimeoutS(120.5);
    s.setBackend(QStringLiteral("triton"));
    s.setBaselines({QStringLiteral("eager"), QStringLiteral("compile")});
    s.setCompileMode(QStringLiteral("max-autotune-no-cudagraphs"));
    s.setTheme(Settings::Theme::Dark);
    s.setKernelBenchDir(QStringLiteral("/src/KernelBench"));
    s.setCurrentPanel(QStringLiteral("charts"));
    s.setWindowGeometry(QByteArray("\x01\xd9\xd0\xcb\x00\x03\x00\x00\x00\x00\x07\x80", 12));
    s.setPanelState(QStringLiteral("submit"), QStringLiteral("splitter"),
                    QByteArray("\x00\x00\x00\xff\x01", 5));
}

// Values that need QSettings' escapes: quotes for , ; =, a leading @, UTF-8 beyond the BMP,
// control characters, spaces at the ends, %-escaped key characters, a one-item and an empty list.
void writeTricky(Settings& s)
{
    s.setPythonPath(QStringLiteral("/home/jürgen/env \"b\",c/py;thon=3"));
    s.setDevices({QStringLiteral("cuda:0")});
    s.setCacheDir(QStringLiteral("@home/cache"));
    s.setHistoryPath(QStringLiteral("/tmp/t\u00e9st/h\U0001F40D.sqlite"));
    s.setNcuPath(QStringLiteral("C:\\Program Files\\NVIDIA\\ncu.exe"));
    s.setModalEndpoint(QString());
    s.setBaselines({});
    s.setLastKernelPath(QStringLiteral(" lead and trail "));
    s.setLastReferencePath(QStringLiteral("line1\nline2\x01") + QStringLiteral("7\t"));
    s.setPanelState(QStringLiteral("my panel%é"), QStringLiteral("a/b"), QByteArray("x"));
}

// QSettings' own corner cases the GUI does not write today: [General], [%General], bools,
// numbers, QSize, a QVariantMap, a variant list, values starting with '@'.
void writeRaw(QSettings& q)
{
    q.setValue(QStringLiteral("topLevel"), QStringLiteral("x"));
    q.setValue(QStringLiteral("General/inner"), 1);
    q.setValue(QStringLiteral("flags/enabled"), true);
    q.setValue(QStringLiteral("flags/ratio"), 0.25);
    q.setValue(QStringLiteral("flags/size"), QSize(3, 4));
    q.setValue(QStringLiteral("flags/map"), QVariantMap{{QStringLiteral("a"), 1}});
    q.setValue(QStringLiteral("flags/list"), QVariantList{1, QStringLiteral("two")});
    q.setValue(QStringLiteral("flags/at"), QStringLiteral("@literal"));
    q.setValue(QStringLiteral("flags/atlist"), QStringList{QStringLiteral("@a"), QStringLiteral("b")});
    q.setValue(QStringLiteral("odd key=;/x y"), QStringLiteral("v"));
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

AppSettings coreRead(const QString& path, const childenv::Env& env = {})
{
    SettingLayers l;
    l.environment = env;
    l.settingsPath = path.toStdString();
    std::ifstream f(l.settingsPath, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    l.settingsFile = parseQtIni(ss.str());
    l.settingsFileFound = true;
    return AppSettings::resolve(l);
}

std::vector<std::string> toStd(const QStringList& l)
{
    std::vector<std::string> out;
    for (const auto& s : l)
        out.push_back(s.toStdString());
    return out;
}

} // namespace

class TestSettingsFile : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        if (name == QStringLiteral("raw.conf")) {
            QSettings q(path, QSettings::IniFormat);
            writeRaw(q);
        } else {
            Settings s(path);
            name == QStringLiteral("typical.conf") ? writeTypical(s) : writeTricky(s);
        }
        if (qEnvironmentVariableIsSet("KW_RECORD_SETTINGS")) {
            QFile::remove(fixtureDir() + u'/' + name);
            QFile::copy(path, fixtureDir() + u'/' + name);
        }
        return path;
    }

    // The GUI reads, the core reads: the same values.
    void compare(const QString& path)
    {
        Settings gui(path);
        const AppSettings core = coreRead(path);
        QCOMPARE(core.python.value, gui.pythonPath().toStdString());
        QCOMPARE(core.devices.value, toStd(gui.devices()));
        QCOMPARE(core.cpuConcurrency.value, gui.cpuConcurrency());
        QCOMPARE(core.memLimitMb.value, gui.memLimitMb());
        QCOMPARE(core.cacheDir.value, gui.cacheDir().toStdString());
        QCOMPARE(core.historyPath.value, gui.historyPath().toStdString());
        QCOMPARE(core.ncuPath.value, gui.ncuPath().toStdString());
        QCOMPARE(core.modalTimeoutS.value, gui.modalTimeoutS());
        QCOMPARE(core.modalCli.value, gui.modalCliOptions().program);
        QCOMPARE(core.correctTrials.value, gui.correctTrials());
        QCOMPARE(core.perfTrials.value, gui.perfTrials());
        QCOMPARE(core.precision.value, gui.precision().toStdString());
        QCOMPARE(core.timeoutS.value, gui.timeoutS());
        QCOMPARE(core.backend.value, gui.backend().toStdString());
        QCOMPARE(core.baselines.value, toStd(gui.baselines()));
        QCOMPARE(core.compileMode.value, gui.compileMode().toStdString());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // No stray environment decides for the file in these comparisons.
        for (const char* name :
             {"KERNELWATCH_PYTHON", "KERNELWATCH_NCU", "KERNELWATCH_MODAL_BIN", "KERNELWATCH_MODAL_ENDPOINT",
              "KERNELWATCH_MODAL_GPU", "KERNELWATCH_PROXY_KEY", "KERNELWATCH_PROXY_SECRET",
              "KERNELWATCH_SETTINGS", "KERNELWATCH_MEM_LIMIT_MB"})
            qunsetenv(name);
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    }

    // The fixtures are exactly what this Qt and Settings write (else: re-record, see README).
    void fixturesAreWhatQtWrites_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : {"typical.conf", "tricky.conf", "raw.conf"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }
    void fixturesAreWhatQtWrites()
    {
        QFETCH(QString, name);
        const QString path = write(name);
        const QByteArray recorded = readAll(fixtureDir() + u'/' + name);
        QVERIFY2(!recorded.isEmpty(), "fixture missing: run with KW_RECORD_SETTINGS=1");
        QCOMPARE(readAll(path), recorded);
    }

    void guiAndCoreReadTheSameValues()
    {
        compare(write(QStringLiteral("typical.conf")));
        compare(write(QStringLiteral("tricky.conf")));
        const AppSettings typical = coreRead(m_dir.filePath(QStringLiteral("typical.conf")));
        QCOMPARE(typical.python.source, SettingSource::SettingsFile);
        QCOMPARE(typical.devices.value, (std::vector<std::string>{"cuda:0", "cuda:1", "cuda:1"}));
    }

    // The settings the GUI builds its evaluators from are the core model's, one precedence.
    void guiUsesTheOnePrecedence()
    {
        const QString path = write(QStringLiteral("typical.conf"));
        Settings gui(path);
        QCOMPARE(gui.localConfig().python, std::string("/opt/conda/envs/kb/bin/python3"));
        QCOMPARE(gui.modalConfig().endpoint,
                 std::string("https://me--kernel-rl-evaluator-evaluate-http.modal.run"));
        qputenv("KERNELWATCH_PYTHON", "/env/python3");
        qputenv("KERNELWATCH_MODAL_ENDPOINT", "https://env.example");
        qputenv("KERNELWATCH_PROXY_KEY", "wk-env");
        QCOMPARE(gui.localConfig().python, std::string("/env/python3"));
        QCOMPARE(gui.modalConfig().endpoint, std::string("https://env.example"));
        QCOMPARE(gui.modalConfig().gpuType, std::string("A100-80GB"));
        // Half a token in the environment takes both halves from there (validate() then says so).
        QCOMPARE(gui.modalConfig().proxyKey, std::string("wk-env"));
        QCOMPARE(gui.modalConfig().proxySecret, std::string());
        const AppSettings core = gui.appSettings();
        QCOMPARE(core.python.source, SettingSource::Environment);
        // The Settings panel's Python row says the environment decides, not its field.
        QCOMPARE(gui.pythonFromEnvironment(), QStringLiteral("/env/python3"));
        {
            PythonTestRow row(gui);
            QVERIFY2(row.resultText().contains(QStringLiteral("KERNELWATCH_PYTHON is set to /env/python3")),
                     qPrintable(row.resultText()));
        }
        QCOMPARE(core.modalGpu.source, SettingSource::SettingsFile);
        qunsetenv("KERNELWATCH_PYTHON");
        qunsetenv("KERNELWATCH_MODAL_ENDPOINT");
        qunsetenv("KERNELWATCH_PROXY_KEY");
        QCOMPARE(gui.pythonFromEnvironment(), QString());
        PythonTestRow row(gui);
        QVERIFY(!row.resultText().contains(QStringLiteral("KERNELWATCH_PYTHON")));
    }

    // Settings' Memory cap row writes the cap the local backend and kernelwatch-cli use; the
    // lowest value is the default (no key: half of RAM); the environment's cap disables it.
    void memoryCapRow()
    {
        const QString path = m_dir.filePath(QStringLiteral("memcap.conf"));
        QFile::remove(path);
        Settings gui(path);
        QCOMPARE(gui.memLimitMb(), -1LL);
        QCOMPARE(gui.localConfig().memLimitMb, -1LL);
        {
            MemoryCapRow row(gui);
            QVERIFY(row.spinBox()->isEnabled());
            QVERIFY(row.spinBox()->specialValueText().startsWith(QStringLiteral("Half of RAM (")));
            QCOMPARE(row.spinBox()->text(), row.spinBox()->specialValueText());
            row.spinBox()->setValue(4.0);
            QCOMPARE(gui.memLimitMb(), 4096LL);
            const LocalConfig c = gui.localConfig();
            QCOMPARE(c.memLimitMb, 4096LL);
            QCOMPARE(c.memLimitSource, std::string("Settings → Memory cap"));
            gui.sync();
            QCOMPARE(coreRead(path).memLimitMb.value, 4096LL); // kernelwatch-cli reads it too
            row.spinBox()->setValue(0.0);
            QCOMPARE(gui.memLimitMb(), -1LL);
            gui.sync();
            QVERIFY(!readAll(path).contains("memLimitMb"));
            row.spinBox()->setValue(2.5);
        }
        qputenv("KERNELWATCH_MEM_LIMIT_MB", "2048");
        {
            MemoryCapRow row(gui);
            QVERIFY(!row.spinBox()->isEnabled());
            QVERIFY2(row.hintText().contains(QStringLiteral("KERNELWATCH_MEM_LIMIT_MB=2048 is set")),
                     qPrintable(row.hintText()));
            // The environment's cap wins, named as the environment's.
            QCOMPARE(gui.localConfig().memLimitMb, 2048LL);
            QCOMPARE(gui.localConfig().memLimitSource, std::string("KERNELWATCH_MEM_LIMIT_MB"));
        }
        qunsetenv("KERNELWATCH_MEM_LIMIT_MB");
        QCOMPARE(gui.localConfig().memLimitMb, 2560LL);
    }

    // The file the GUI writes for the user is the file the CLI reads.
    void userSettingsFileIsTheCoreOne()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("kernelwatch"));
        QCoreApplication::setApplicationName(QStringLiteral("kernelwatch"));
        {
            Settings user;
            user.setPythonPath(QStringLiteral("/from/the/gui/python3"));
            user.sync();
        }
        QCOMPARE(QSettings().fileName().toStdString(), settingsFilePath());
        const AppSettings core = AppSettings::resolve(SettingLayers::load());
        QVERIFY(core.settingsFileFound);
        QCOMPARE(core.python.value, std::string("/from/the/gui/python3"));
        QCOMPARE(core.python.source, SettingSource::SettingsFile);
    }
};

QTEST_MAIN(TestSettingsFile)
#include "tst_settings_file.moc"
