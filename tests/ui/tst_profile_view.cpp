// The details pane's Profile tab, offscreen: a profile replayed from the recorded ncu output
// (tests/doubles/bin/ncu) fills the table and is shown again from the profile store; ncu absent, a
// CPU result and counters not permitted each say why and what to do.
#include "tests/EnvGuard.h"
#include "ui/base/Settings.h"
#include "ui/evaluations/ProfileView.h"
#include "ui/models/ProfileTableModel.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace kw;
using namespace kw::ui;

namespace {

std::string sourceDir()
{
    return qEnvironmentVariable("KW_SOURCE_DIR").toStdString();
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

EvalResult gpuResult(const std::string& id)
{
    EvalResult r;
    r.id = id;
    r.status = EvalStatus::Correct;
    r.request.id = id;
    r.request.problem = "matmul";
    r.request.refCode = readFile(sourceDir() + "/resources/samples/matmul_ref.py");
    r.request.kernelCode = readFile(sourceDir() + "/resources/samples/matmul_cuda.py");
    r.device = {"NVIDIA H100 80GB HBM3", "sm_90", "cuda:0"};
    return r;
}

QString cell(const ProfileTableModel* m, int row, int col)
{
    return m->data(m->index(row, col)).toString();
}

} // namespace

class TestProfileView : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    EnvGuard m_env;
    std::unique_ptr<Settings> m_settings;

private Q_SLOTS:
    void initTestCase()
    {
        if (sourceDir().empty())
            QSKIP("KW_SOURCE_DIR not set: the fake ncu is not reachable");
        QVERIFY(m_dir.isValid());
        m_env.set("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        m_env.set("KERNELWATCH_NCU", QByteArray());
        m_settings = std::make_unique<Settings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_settings->setPythonPath(QStringLiteral("/usr/bin/python3")); // never started by the fake ncu
        m_settings->setCacheDir(m_dir.filePath(QStringLiteral("cache")));
    }

    void init() { m_settings->setNcuPath(QString::fromStdString(sourceDir() + "/tests/doubles/bin/ncu")); }

    void replayedProfileFillsTheTable()
    {
        ProfileView v(*m_settings);
        QAbstractItemModelTester tester(v.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        v.resize(1000, 420);
        v.show();
        v.showResult(gpuResult("view-ok"));
        QVERIFY(v.profileButton()->isEnabled());
        QVERIFY(!v.openButton()->isEnabled());
        QVERIFY2(v.message().contains(QStringLiteral("Not profiled yet")), qPrintable(v.message()));
        QSignalSpy done(&v, &ProfileView::profileFinished);
        QTest::mouseClick(v.profileButton(), Qt::LeftButton);
        QVERIFY(!v.profileButton()->isEnabled()); // one profile at a time
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QVERIFY(done.at(0).at(0).toBool());
        const ProfileTableModel* m = v.model();
        QCOMPARE(m->rowCount(), 1);
        QCOMPARE(cell(m, 0, ProfileTableModel::Kernel),
                 QStringLiteral("sgemm_tiled(const float *, const float *, float *, int, int, int)"));
        QCOMPARE(cell(m, 0, ProfileTableModel::Duration), QStringLiteral("1.20 ms"));
        QCOMPARE(cell(m, 0, ProfileTableModel::MemoryThroughput), QStringLiteral("74.2 %"));
        QCOMPARE(cell(m, 0, ProfileTableModel::ComputeThroughput), QStringLiteral("54.1 %"));
        QCOMPARE(cell(m, 0, ProfileTableModel::Occupancy), QStringLiteral("55.6 %"));
        QCOMPARE(cell(m, 0, ProfileTableModel::Registers), QStringLiteral("40"));
        QCOMPARE(cell(m, 0, ProfileTableModel::SharedMemory), QStringLiteral("8.2 kB"));
        QCOMPARE(cell(m, 0, ProfileTableModel::Limiter), QStringLiteral("memory (L1)"));
        QVERIFY(v.profileButton()->isEnabled());
        QVERIFY(v.openButton()->isEnabled());
        QVERIFY(v.message().contains(QStringLiteral("report.ncu-rep")));
        if (const QString shot = qEnvironmentVariable("KW_PROFILE_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(v.grab().save(shot));

        // Reopened: shown from the profile store, nothing run.
        ProfileView again(*m_settings);
        again.showResult(gpuResult("view-ok"));
        QCOMPARE(again.model()->rowCount(), 1);
        QVERIFY(!again.running());
        // Another result: its own (empty) profile.
        again.showResult(gpuResult("view-other"));
        QCOMPARE(again.model()->rowCount(), 0);
    }

    void absentNcuSaysWhatToDo()
    {
        m_settings->setNcuPath(QStringLiteral("/nonexistent/ncu"));
        ProfileView v(*m_settings);
        v.showResult(gpuResult("view-absent"));
        QVERIFY(!v.profileButton()->isEnabled());
        QVERIFY2(v.message().contains(QStringLiteral("Nsight Compute (ncu) was not found")) &&
                     v.message().contains(QStringLiteral("Settings")),
                 qPrintable(v.message()));
    }

    void cpuResultIsRefused()
    {
        ProfileView v(*m_settings);
        EvalResult r = gpuResult("view-cpu");
        r.device = {"cpu (x86_64, 2 threads)", "cpu", "cpu"};
        v.showResult(r);
        QVERIFY(!v.profileButton()->isEnabled());
        QVERIFY2(v.message().contains(QStringLiteral("ran on the CPU")), qPrintable(v.message()));
    }

    void countersNotPermitted()
    {
        EnvGuard env;
        env.set("FAKE_NCU_CASE", "permission_denied");
        ProfileView v(*m_settings);
        v.showResult(gpuResult("view-perm"));
        QSignalSpy done(&v, &ProfileView::profileFinished);
        v.startProfile();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QVERIFY(!done.at(0).at(0).toBool());
        QCOMPARE(v.model()->rowCount(), 0);
        QVERIFY2(v.message().contains(QStringLiteral("NVreg_RestrictProfilingToAdminUsers=0")) &&
                     v.message().contains(QStringLiteral("root")),
                 qPrintable(v.message()));
        QVERIFY(!v.openButton()->isEnabled());
    }

    void noSelection()
    {
        ProfileView v(*m_settings);
        v.showResult(std::nullopt);
        QVERIFY(!v.profileButton()->isEnabled());
        QCOMPARE(v.model()->rowCount(), 0);
    }
};

QTEST_MAIN(TestProfileView)
#include "tst_profile_view.moc"
