// ProfileRunner end to end with tests/doubles/bin/ncu, which replays the recorded ncu output
// (tests/fixtures/ncu/recorded-2025.3.1): success (report kept, details read back with --import),
// absent ncu, counters not permitted, failing program, no kernels, timeout, CPU refusal; and the
// profile store's sidecar files.
#include "core/profile/NcuFinder.h"
#include "core/profile/ProfileRunner.h"
#include "core/profile/ProfileStore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kw;
using namespace kw::profile;

namespace {

std::string sourceDir()
{
    return qEnvironmentVariable("KW_SOURCE_DIR").toStdString();
}

std::string fakeNcu()
{
    return sourceDir() + "/tests/doubles/bin/ncu";
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

EvalRequest request()
{
    EvalRequest r;
    r.id = "profile-test-1";
    r.problem = "matmul";
    r.refCode = readFile(sourceDir() + "/resources/samples/matmul_ref.py");
    r.kernelCode = readFile(sourceDir() + "/resources/samples/matmul_cuda.py");
    return r;
}

bool contains(const std::string& s, const char* part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

class TestProfileRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    ProfileOptions options(const std::string& sub, std::vector<std::string> extraEnv = {})
    {
        ProfileOptions o;
        o.ncu = fakeNcu();
        o.python = "/usr/bin/python3"; // never started: the fake ncu does not run the program
        o.evaluatorDir = sourceDir() + "/resources/evaluator";
        o.cacheDir = m_dir.path().toStdString() + "/cache";
        o.outDir = m_dir.path().toStdString() + "/" + sub;
        o.env = childenv::current();
        for (auto& e : extraEnv)
            o.env.push_back(e);
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (sourceDir().empty() || !std::filesystem::exists(fakeNcu()))
            QSKIP("KW_SOURCE_DIR not set: the fake ncu is not reachable");
        QVERIFY(m_dir.isValid());
    }

    void successKeepsTheReportAndReadsItBack()
    {
        const std::string log = m_dir.path().toStdString() + "/ncu.log";
        ProfileOptions o = options("ok", {"FAKE_NCU_LOG=" + log, "MODAL_TOKEN_SECRET=as-secret-for-test"});
        o.device = "cuda:1";
        const ProfileReport r = runProfile(request(), o);
        QVERIFY2(r.ok(), r.errorMessage.c_str());
        QCOMPARE(r.ncuVersion, std::string("2025.3.1.0"));
        QCOMPARE(r.launches.size(), std::size_t(1));
        const KernelProfile& k = r.launches[0];
        QCOMPARE(k.name, std::string("sgemm_tiled(const float *, const float *, float *, int, int, int)"));
        QCOMPARE(*k.durationNs, 1.2e6);
        QCOMPARE(*k.registersPerThread, 40.0);
        QCOMPARE(k.limiter, std::string("memory"));
        QCOMPARE(r.reportPath, o.outDir + "/report.ncu-rep");
        QCOMPARE(readFile(r.reportPath),
                 readFile(sourceDir() + "/tests/fixtures/ncu/recorded-2025.3.1/matmul.ncu-rep"));
        QVERIFY(!std::filesystem::exists(o.outDir + "/request.json")); // the code is not left behind
        QVERIFY(contains(r.log, "==PROF== Report"));

        // The profiled command: NVTX filter, profile_one, the device narrowed like a zygote's,
        // no secrets; then the --import read-back.
        std::ifstream in(log);
        std::vector<nlohmann::json> calls;
        for (std::string line; std::getline(in, line);)
            calls.push_back(nlohmann::json::parse(line));
        QCOMPARE(calls.size(), std::size_t(3)); // --version, the profile, --import
        const auto argv = calls[1]["argv"].get<std::vector<std::string>>();
        const auto has = [&](const std::string& a) {
            return std::find(argv.begin(), argv.end(), a) != argv.end();
        };
        QVERIFY(has("--nvtx"));
        QVERIFY(has("kernelwatch_candidate/"));
        QVERIFY(has("kernelwatch_eval.profile_one"));
        QVERIFY(has("cuda:1"));
        QVERIFY(has("SpeedOfLight"));
        QVERIFY(!has("--no-sandbox"));
        QCOMPARE(calls[1]["env"]["CUDA_VISIBLE_DEVICES"].get<std::string>(), std::string("1"));
        QVERIFY(calls[1]["env"]["PYTHONPATH"].get<std::string>().rfind(o.evaluatorDir, 0) == 0);
        QVERIFY(calls[1]["secret_names"].empty());
        const auto imp = calls[2]["argv"].get<std::vector<std::string>>();
        QCOMPARE(imp, (std::vector<std::string>{"--import", r.reportPath, "--csv", "--page", "details"}));
        // ncu's scratch folder still exists for the read-back (the real ncu fails without it:
        // import_tmpdir_missing, recorded on the H100) and is gone afterwards.
        QCOMPARE(calls[2]["env"]["TMPDIR"].get<std::string>(), o.outDir + "/tmp");
        QVERIFY(!std::filesystem::exists(o.outDir + "/tmp"));
    }

    void swishDetailsThroughTheRunner()
    {
        const ProfileReport r = runProfile(request(), options("swish", {"FAKE_NCU_IMPORT=swish_details"}));
        QVERIFY2(r.ok(), r.errorMessage.c_str());
        QCOMPARE(r.launches.size(), std::size_t(2));
        QCOMPARE(r.kernels().size(), std::size_t(1));
        QCOMPARE(r.kernels()[0].launches, 2);
        QCOMPARE(r.kernels()[0].limiter, std::string("compute"));
    }

    void absentNcu()
    {
        ProfileOptions o = options("absent");
        o.ncu.clear();
        o.env = {"PATH=/nonexistent-bin", "HOME=/tmp"};
        const NcuLocation loc = findNcu("", o.env);
        if (!loc.path.empty())
            QSKIP("this machine has /usr/local/cuda/bin/ncu");
        const ProfileReport r = runProfile(request(), o);
        QCOMPARE(r.error, ProfileError::NcuMissing);
        QVERIFY2(contains(r.errorMessage, "Nsight Compute (ncu) was not found") &&
                     contains(r.errorMessage, "--ncu") && contains(r.errorMessage, "/usr/local/cuda/bin/ncu"),
                 r.errorMessage.c_str());
        // A configured path is the only one tried.
        QCOMPARE(findNcu("/nonexistent/ncu", {"PATH=" + sourceDir() + "/tests/doubles/bin"}).path,
                 std::string());
        // PATH and CUDA_HOME are searched like nvcc's.
        QCOMPARE(findNcu("", {"PATH=/x:" + sourceDir() + "/tests/doubles/bin"}).path, fakeNcu());
        QCOMPARE(findNcu("", {"PATH=/x", "CUDA_HOME=" + sourceDir() + "/tests/doubles"}).path,
                 sourceDir() + "/tests/doubles/bin/ncu");
        QCOMPARE(findNcu("", {"PATH=/x", "KERNELWATCH_NCU=" + fakeNcu()}).path, fakeNcu());
        // CUDA_HOME=/usr/local/cuda: that path is named once in the message.
        const NcuLocation usual = findNcu("", {"PATH=/nonexistent-bin", "CUDA_HOME=/usr/local/cuda"});
        if (usual.path.empty()) {
            const std::string m = usual.message();
            QVERIFY2(m.find("/usr/local/cuda/bin/ncu") == m.rfind("/usr/local/cuda/bin/ncu"), m.c_str());
        }
    }

    void countersNotPermitted()
    {
        const ProfileReport r = runProfile(request(), options("perm", {"FAKE_NCU_CASE=permission_denied"}));
        QCOMPARE(r.error, ProfileError::CountersNotPermitted);
        QVERIFY(contains(r.errorMessage, "NVreg_RestrictProfilingToAdminUsers=0"));
        QVERIFY(contains(r.errorMessage, "root"));
    }

    void failingProgram()
    {
        const ProfileReport r = runProfile(request(), options("fail", {"FAKE_NCU_CASE=failing_program"}));
        QCOMPARE(r.error, ProfileError::ProgramFailed);
        QVERIFY2(contains(r.errorMessage, "exit code 3"), r.errorMessage.c_str());
    }

    void noKernels()
    {
        const ProfileReport r = runProfile(request(), options("none", {"FAKE_NCU_CASE=no_kernels"}));
        QCOMPARE(r.error, ProfileError::NoKernels);
        QVERIFY(contains(r.errorMessage, "vectorized_elementwise_kernel"));
        QVERIFY(r.reportPath.empty());
    }

    void timeoutKillsTheRun()
    {
        ProfileOptions o = options("hang", {"FAKE_NCU_CASE=hang"});
        o.timeoutS = 1;
        const auto t0 = std::chrono::steady_clock::now();
        const ProfileReport r = runProfile(request(), o);
        QCOMPARE(r.error, ProfileError::Timeout);
        QVERIFY(contains(r.errorMessage, "--timeout"));
        QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
    }

    void cpuIsRefused()
    {
        ProfileOptions o = options("cpu");
        o.device = "cpu";
        QCOMPARE(runProfile(request(), o).error, ProfileError::BadInput);
        EvalResult res;
        res.request = request();
        res.device.target = "cuda:0";
        res.device.arch = "sm_90";
        QCOMPARE(profileRefusal(res), std::string());
        res.device = {"cpu (x86_64, 16 threads)", "cpu", "cpu"};
        QVERIFY(contains(profileRefusal(res), "ran on the CPU"));
        res.device = {};
        res.request.device = "cpu";
        QVERIFY(!profileRefusal(res).empty());
        res.request = {};
        res.device.target = "cuda:0";
        QVERIFY(contains(profileRefusal(res), "no stored code"));
    }

    void storeSidecars()
    {
        ProfileStore store(m_dir.path().toStdString() + "/profiles");
        QCOMPARE(store.dirFor("../etc"), std::string());
        QCOMPARE(store.dirFor(""), std::string());
        QCOMPARE(store.dirFor("0192abc-1_2.x"), store.root() + "/0192abc-1_2.x");
        ProfileOptions o = options("unused");
        o.outDir = store.dirFor("profile-test-1");
        const ProfileReport r = runProfile(request(), o);
        QVERIFY(r.ok());
        QCOMPARE(store.save(r), std::string());
        QVERIFY(std::filesystem::exists(o.outDir + "/report.ncu-rep"));
        const auto back = store.load("profile-test-1");
        QVERIFY(back);
        QCOMPARE(back->launches.size(), std::size_t(1));
        QCOMPARE(back->reportPath, r.reportPath);
        QVERIFY(!store.load("never-profiled"));

        // Copied from the machine that took it: the stored path names that machine's folder; the
        // report beside profile.json is found instead.
        ProfileStore copy(m_dir.path().toStdString() + "/copied");
        std::filesystem::create_directories(copy.dirFor("profile-test-1"));
        for (const char* f : {"/profile.json", "/report.ncu-rep"})
            std::filesystem::copy_file(o.outDir + f, copy.dirFor("profile-test-1") + f);
        std::filesystem::remove(o.outDir + "/report.ncu-rep");
        const auto moved = copy.load("profile-test-1");
        QVERIFY(moved);
        QCOMPARE(moved->reportPath, copy.dirFor("profile-test-1") + "/report.ncu-rep");
        ProfileReport bad;
        bad.resultId = "../x";
        QVERIFY(!store.save(bad).empty());
    }
};

QTEST_GUILESS_MAIN(TestProfileRunner)
#include "tst_profile_runner.moc"
