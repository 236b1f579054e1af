// kernelwatch-cli profile, run as a user would, with tests/doubles/bin/ncu replaying the recorded
// Nsight Compute output: files and stored results, JSON and table output, the kept report, and the
// refusals (CPU result, unknown id, absent ncu, counters not permitted).
#include "core/model/HistoryStore.h"
#include "tests/CliTestUtils.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw;

class TestProfileCli : public QObject
{
    Q_OBJECT

    QString m_cli, m_src;
    QTemporaryDir m_dir;

    using Run = kwtest::CliRun;
    Run cli(const QStringList& args, const QMap<QString, QString>& env = {})
    {
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        e.remove(QStringLiteral("KERNELWATCH_NCU"));
        for (auto it = env.begin(); it != env.end(); ++it)
            e.insert(it.key(), it.value());
        return kwtest::runCli(m_cli, QStringList{QStringLiteral("profile")} + args, e, 120000);
    }
    QStringList common() const
    {
        return {QStringLiteral("--ncu"), m_src + QStringLiteral("/tests/doubles/bin/ncu"),
                QStringLiteral("--python"), QStringLiteral("/usr/bin/python3")};
    }
    QStringList files() const
    {
        return {QStringLiteral("--ref"), m_src + QStringLiteral("/resources/samples/swish_ref.py"),
                QStringLiteral("--kernel"), m_src + QStringLiteral("/resources/samples/swish_cuda.py")};
    }
    std::string db() const { return m_dir.filePath(QStringLiteral("h.sqlite")).toStdString(); }
    void storeResult(const std::string& id, const std::string& target)
    {
        HistoryStore store(db());
        EvalResult r;
        r.id = id;
        r.status = EvalStatus::Correct;
        r.request.id = id;
        r.request.problem = "swish";
        r.request.refCode = "ref";
        r.request.kernelCode = "class ModelNew: pass\n";
        r.device.target = target;
        r.device.arch = target == "cpu" ? "cpu" : "sm_90";
        r.device.name = target == "cpu" ? "cpu (x86_64, 2 threads)" : "NVIDIA H100 80GB HBM3";
        QVERIFY(store.add(r));
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

    void filesJsonAndReportKept()
    {
        const QString out = m_dir.filePath(QStringLiteral("out"));
        const Run r =
            cli(files() + common() + QStringList{QStringLiteral("--json"), QStringLiteral("--out"), out},
                {{QStringLiteral("FAKE_NCU_IMPORT"), QStringLiteral("swish_details")}});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QVERIFY(j.value(QStringLiteral("ok")).toBool());
        const QJsonObject k = j.value(QStringLiteral("kernels")).toArray().at(0).toObject();
        QCOMPARE(k.value(QStringLiteral("name")).toString(),
                 QStringLiteral("void swish_kernel<float>(const T1 *, T1 *, long)"));
        QCOMPARE(k.value(QStringLiteral("launches")).toInt(), 2);
        QCOMPARE(k.value(QStringLiteral("registers_per_thread")).toDouble(), 28.0);
        QCOMPARE(k.value(QStringLiteral("limiter")).toString(), QStringLiteral("compute"));
        QCOMPARE(j.value(QStringLiteral("report_path")).toString(), out + QStringLiteral("/report.ncu-rep"));
        QVERIFY(QFile::exists(out + QStringLiteral("/report.ncu-rep")));
        QVERIFY(QFile::exists(out + QStringLiteral("/profile.json")));
    }

    void tableOutput()
    {
        const Run r = cli(files() + common() +
                          QStringList{QStringLiteral("--out"), m_dir.filePath(QStringLiteral("t"))});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("sgemm_tiled") && r.out.contains("1.20 ms") &&
                     r.out.contains("memory (L1)") && r.out.contains("report.ncu-rep"),
                 r.out.constData());
    }

    void storedGpuResultGoesToTheProfileStore()
    {
        storeResult("gpu-result-1", "cuda:0");
        const Run r =
            cli(QStringList{QStringLiteral("--id"), QStringLiteral("gpu-result-1"), QStringLiteral("--db"),
                            QString::fromStdString(db()), QStringLiteral("--json")} +
                common());
        QVERIFY2(r.code == 0, r.err.constData());
        const QString dir = m_dir.filePath(QStringLiteral("data/kernelwatch/profiles/gpu-result-1"));
        QVERIFY(QFile::exists(dir + QStringLiteral("/profile.json")));
        QVERIFY(QFile::exists(dir + QStringLiteral("/report.ncu-rep")));
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("result_id")).toString(),
                 QStringLiteral("gpu-result-1"));
    }

    void cpuResultIsRefused()
    {
        storeResult("cpu-result-1", "cpu");
        const Run r = cli(QStringList{QStringLiteral("--id"), QStringLiteral("cpu-result-1"),
                                      QStringLiteral("--db"), QString::fromStdString(db())} +
                          common());
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("ran on the CPU") && r.err.contains("CUDA kernels only"), r.err.constData());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("data/kernelwatch/profiles/cpu-result-1"))));
    }

    void unknownIdAndBadArguments()
    {
        Run r = cli({QStringLiteral("--id"), QStringLiteral("nope"), QStringLiteral("--db"),
                     QString::fromStdString(db())});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("no result with id nope"));
        r = cli(common());
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--ref FILE and --kernel FILE, or --id"));
        r = cli(files() + common() + QStringList{QStringLiteral("--device"), QStringLiteral("cpu")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("not a GPU"));
    }

    void absentNcuAndPermission()
    {
        Run r = cli(files() + QStringList{QStringLiteral("--ncu"), QStringLiteral("/nonexistent/ncu"),
                                          QStringLiteral("--python"), QStringLiteral("/usr/bin/python3"),
                                          QStringLiteral("--out"), m_dir.filePath(QStringLiteral("a"))});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("Nsight Compute (ncu) was not found"), r.err.constData());
        r = cli(files() + common() +
                    QStringList{QStringLiteral("--out"), m_dir.filePath(QStringLiteral("p"))},
                {{QStringLiteral("FAKE_NCU_CASE"), QStringLiteral("permission_denied")}});
        QCOMPARE(r.code, 3);
        QVERIFY(r.err.contains("NVreg_RestrictProfilingToAdminUsers=0"));
        r = cli(files() + common() +
                    QStringList{QStringLiteral("--out"), m_dir.filePath(QStringLiteral("f"))},
                {{QStringLiteral("FAKE_NCU_CASE"), QStringLiteral("failing_program")}});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("exit code 3"));
    }
};

QTEST_GUILESS_MAIN(TestProfileCli)
#include "tst_profile_cli.moc"
