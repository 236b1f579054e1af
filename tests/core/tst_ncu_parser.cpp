// Nsight Compute's `--csv --page details` output, parsed: every recorded file in
// tests/fixtures/ncu/recorded-2025.3.1 (values checked against the recorded CSV), units as printed
// with and without --print-units base, ncu's own errors, and malformed or truncated tables.
#include "core/profile/NcuDetailsParser.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kw::profile;

namespace {

std::string fixturesDir()
{
    return qEnvironmentVariable("KW_TEST_FIXTURES").toStdString() + "/ncu";
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string recorded(const std::string& name)
{
    return readFile(fixturesDir() + "/recorded-2025.3.1/" + name);
}

bool near(std::optional<double> v, double want, double tol = 1e-6)
{
    return v && std::abs(*v - want) <= tol * std::max(1.0, std::abs(want));
}

bool contains(const std::string& s, const char* part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

class TestNcuParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (recorded("swish_details.out").empty())
            QSKIP("the ncu recordings are missing (KW_TEST_FIXTURES not set?)");
    }

    // Every recording: what it must parse to.
    void everyRecordedFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("error");
        QTest::addColumn<int>("launches");
        for (const auto& e : std::filesystem::directory_iterator(fixturesDir() + "/recorded-2025.3.1")) {
            if (e.path().extension() != ".out")
                continue;
            const std::string stem = e.path().stem().string();
            int error = int(ProfileError::None), launches = 0;
            if (stem == "swish_details" || stem == "softmax_details_base" || stem == "swish_nvtx_range")
                launches = 2;
            else if (stem == "matmul_import_details")
                launches = 1;
            else if (stem == "no_kernels")
                error = int(ProfileError::NoKernels);
            else if (stem == "failing_program" || stem == "profile_one_swish" ||
                     stem == "profile_one_swish_import" || stem == "import_tmpdir_missing")
                error = int(ProfileError::ProgramFailed); // profile_one exited 1; ncu's own ==ERROR==
            else // matmul_report (-o: no table on stdout), matmul_import_raw (the raw page)
                error = int(ProfileError::Unreadable);
            QTest::newRow(stem.c_str()) << QString::fromStdString(e.path().string()) << error << launches;
        }
    }
    void scratchFolderMissingSaysWhatToDo()
    {
        const std::string base = fixturesDir() + "/recorded-2025.3.1/import_tmpdir_missing";
        const NcuDetails d = parseNcuDetails(readFile(base + ".out"), readFile(base + ".err"));
        QVERIFY2(d.message.find("Failed to create temporary file") != std::string::npos &&
                     d.message.find("TMPDIR") != std::string::npos &&
                     d.message.find("writable") != std::string::npos,
                 d.message.c_str());
    }
    void everyRecordedFile()
    {
        QFETCH(QString, file);
        QFETCH(int, error);
        QFETCH(int, launches);
        const std::string base = file.chopped(4).toStdString();
        const NcuDetails d = parseNcuDetails(readFile(base + ".out"), readFile(base + ".err"));
        QCOMPARE(int(d.error), error);
        QCOMPARE(int(d.launches.size()), launches);
        QCOMPARE(d.message.empty(), error == int(ProfileError::None));
        for (const auto& k : d.launches) {
            QVERIFY(!k.name.empty());
            QVERIFY(k.durationNs && *k.durationNs > 0);
            QVERIFY(!k.limiter.empty());
        }
    }

    void swishCudaValues()
    {
        const NcuDetails d = parseNcuDetails(recorded("swish_details.out"));
        QCOMPARE(d.launches.size(), std::size_t(2));
        const KernelProfile& k = d.launches[0];
        QCOMPARE(k.id, 0);
        QCOMPARE(k.name, std::string("void swish_kernel<float>(const T1 *, T1 *, long)"));
        QCOMPARE(k.blockSize, std::string("(256, 1, 1)"));
        QCOMPARE(k.gridSize, std::string("(131072, 1, 1)"));
        QCOMPARE(k.computeCapability, std::string("9.0"));
        QCOMPARE(k.device, 0);
        QVERIFY(near(k.durationNs, 171264));
        QVERIFY(near(k.memoryPct, 44.06));
        QVERIFY(near(k.dramPct, 44.06));
        QVERIFY(near(k.computePct, 76.05));
        QVERIFY(near(k.memoryBytesPerS, 1476698056801.20));
        QVERIFY(near(k.registersPerThread, 28));
        QVERIFY(near(k.achievedOccupancyPct, 81.55));
        QVERIFY(near(k.theoreticalOccupancyPct, 100));
        QVERIFY(near(k.sharedBytesPerBlock(), 0));
        QCOMPARE(k.limiter, std::string("compute")); // "Compute is more heavily utilized than Memory"
        QVERIFY(k.rule("SOLBottleneck") && k.rule("AchievedOccupancy") && k.rule("HighPipeUtilization"));
        QCOMPARE(k.rule("HighPipeUtilization")->type, std::string("INF"));
        const KernelProfile& k1 = d.launches[1];
        QCOMPARE(k1.id, 1);
        QVERIFY(near(k1.durationNs, 171456));
        QVERIFY(near(k1.memoryPct, 43.99));
        QVERIFY(near(k1.computePct, 75.87));
        QVERIFY(near(k1.achievedOccupancyPct, 81.19));

        const auto kernels = summarizeByKernel(d.launches);
        QCOMPARE(kernels.size(), std::size_t(1));
        QCOMPARE(kernels[0].launches, 2);
        QVERIFY(near(kernels[0].durationNs, (171264.0 + 171456.0) / 2));
        QVERIFY(near(kernels[0].computePct, (76.05 + 75.87) / 2));
        QCOMPARE(kernels[0].limiter, std::string("compute"));
    }

    // --print-units base (softmax) and ncu's automatic units (the imported matmul report: ms,
    // Gbyte/s, Kbyte/block) both come out in base units.
    void unitsBaseAndAuto()
    {
        const NcuDetails s = parseNcuDetails(recorded("softmax_details_base.out"));
        QCOMPARE(s.error, ProfileError::None);
        const KernelProfile& k = s.launches[0];
        QCOMPARE(k.name, std::string("softmax_kernel"));
        QCOMPARE(k.gridSize, std::string("(4096, 1, 1)"));
        QVERIFY(near(k.durationNs, 42368));
        QVERIFY(near(k.memoryPct, 79.41));
        QVERIFY(near(k.computePct, 26.37));
        QVERIFY(near(k.memoryBytesPerS, 2660845921450.15));
        QVERIFY(near(k.registersPerThread, 38));
        QVERIFY(near(k.dynamicSharedBytesPerBlock, 32));
        QVERIFY(near(k.sharedBytesPerBlock(), 32));
        QCOMPARE(k.limiter, std::string("memory"));
        QCOMPARE(k.limiterDetail, std::string("DRAM"));

        const NcuDetails m = parseNcuDetails(recorded("matmul_import_details.out"));
        QCOMPARE(m.error, ProfileError::None);
        const KernelProfile& mm = m.launches[0];
        QCOMPARE(mm.name, std::string("sgemm_tiled(const float *, const float *, float *, int, int, int)"));
        QCOMPARE(mm.gridSize, std::string("(32, 32, 1)"));
        QVERIFY(near(mm.durationNs, 1.20e6));              // "ms","1.20"
        QVERIFY(near(mm.memoryBytesPerS, 46.69e9));        // "Gbyte/s","46.69"
        QVERIFY(near(mm.staticSharedBytesPerBlock, 8190)); // "Kbyte/block","8.19"
        QVERIFY(near(mm.registersPerThread, 40));
        QVERIFY(near(mm.achievedOccupancyPct, 55.57));
        QCOMPARE(mm.limiter, std::string("memory"));
        QCOMPARE(mm.limiterDetail, std::string("L1"));

        QCOMPARE(toBaseUnit(1.5, "us"), 1500.0);
        QCOMPARE(toBaseUnit(1.5, "usecond"), 1500.0);
        QCOMPARE(toBaseUnit(2, "s"), 2e9);
        QCOMPARE(toBaseUnit(2.62, "Ghz"), 2.62e9);
        QCOMPARE(toBaseUnit(9.83, "Mbyte"), 9.83e6);
        QCOMPARE(toBaseUnit(3, "Tbyte/s"), 3e12);
        QCOMPARE(toBaseUnit(44.06, "%"), 44.06);
        QCOMPARE(toBaseUnit(28, "register/thread"), 28.0);
        QCOMPARE(parseNcuNumber("2,618,497,757.85"), std::optional<double>(2618497757.85));
        QVERIFY(!parseNcuNumber("no data"));
        QVERIFY(!parseNcuNumber(""));
        QVERIFY(!parseNcuNumber("1.2.3"));
    }

    void noKernelsIsAClearError()
    {
        const NcuDetails d = parseNcuDetails(recorded("no_kernels.out"), recorded("no_kernels.err"));
        QCOMPARE(d.error, ProfileError::NoKernels);
        QVERIFY2(contains(d.message, "profiled no kernels") &&
                     contains(d.message, "vectorized_elementwise_kernel"),
                 d.message.c_str());
        const NcuDiagnosis g = diagnoseNcuOutput(recorded("no_kernels.out"));
        QCOMPARE(g.availableKernels, std::vector<std::string>{"vectorized_elementwise_kernel"});
    }

    void failingProgramIsAClearError()
    {
        const NcuDetails d = parseNcuDetails(recorded("failing_program.out"));
        QCOMPARE(d.error, ProfileError::ProgramFailed);
        QVERIFY2(contains(d.message, "exit code 3") && contains(d.message, "log"), d.message.c_str());
        QCOMPARE(diagnoseNcuOutput(recorded("failing_program.out")).programExitCode, std::optional<int>(3));
    }

    // Documented, not recorded (the recording machine ran as root): NVIDIA's message text.
    void countersNotPermittedSaysTheFix()
    {
        const std::string out = readFile(fixturesDir() + "/documented/permission_denied.out");
        QVERIFY(!out.empty());
        const NcuDetails d = parseNcuDetails(out);
        QCOMPARE(d.error, ProfileError::CountersNotPermitted);
        QVERIFY(contains(d.message, "NVreg_RestrictProfilingToAdminUsers=0"));
        QVERIFY(contains(d.message, "root"));
        // Found on stderr too.
        QCOMPARE(parseNcuDetails("", out).error, ProfileError::CountersNotPermitted);
    }

    void truncatedInsideAQuotedField()
    {
        const std::string text = recorded("swish_details.out");
        const auto cut = text.find("Compute is more heavily");
        QVERIFY(cut != std::string::npos);
        const NcuDetails d = parseNcuDetails(text.substr(0, cut + 10));
        QCOMPARE(d.error, ProfileError::Unreadable);
        QVERIFY2(contains(d.message, "cut off"), d.message.c_str());
        QVERIFY(d.launches.empty());
    }

    void truncatedAfterAComma()
    {
        const std::string text = recorded("swish_details.out");
        const auto row = text.find("\n\"1\",\"548\"");
        QVERIFY(row != std::string::npos);
        const NcuDetails d = parseNcuDetails(text.substr(0, row + std::string("\n\"1\",\"548\",").size()));
        QCOMPARE(d.error, ProfileError::Unreadable);
        QVERIFY2(contains(d.message, "truncated"), d.message.c_str());
    }

    void malformedTables()
    {
        std::string text = recorded("swish_details.out");
        std::string noValue = text;
        noValue.replace(noValue.find("\"Metric Value\""), 14, "\"Something\"");
        QCOMPARE(parseNcuDetails(noValue).error, ProfileError::Unreadable);
        QVERIFY(contains(parseNcuDetails(noValue).message, "--page details"));

        std::string badId = text;
        badId.replace(badId.find("\n\"1\",\"548\""), 4, "\n\"x\"");
        QVERIFY(contains(parseNcuDetails(badId).message, "no numeric ID"));

        const std::string headerOnly = text.substr(0, text.find('\n', text.find("\"ID\",")) + 1);
        QCOMPARE(parseNcuDetails(headerOnly).error, ProfileError::NoKernels);
        QCOMPARE(parseNcuDetails("").error, ProfileError::Unreadable);
        QCOMPARE(parseNcuDetails("workload done\n").error, ProfileError::Unreadable);
    }

    // Without ncu's rule text the numbers decide (60 % of peak, ncu's own threshold).
    void limiterFromNumbers()
    {
        KernelProfile k;
        classifyLimiter(k);
        QCOMPARE(k.limiter, std::string());
        k.memoryPct = 30;
        k.computePct = 20;
        classifyLimiter(k);
        QCOMPARE(k.limiter, std::string("latency"));
        k.memoryPct = 59.9; // just under ncu's 60 %
        k.computePct = 45;
        classifyLimiter(k);
        QCOMPARE(k.limiter, std::string("latency"));
        k.memoryPct = 60;
        classifyLimiter(k);
        QCOMPARE(k.limiter, std::string("memory"));
        k.computePct = 20;
        k.memoryPct = 85;
        classifyLimiter(k);
        QCOMPARE(k.limiter, std::string("memory"));
        k.computePct = 90;
        classifyLimiter(k);
        QCOMPARE(k.limiter, std::string("compute"));
        k.rules.push_back(
            {"SpeedOfLight", "SOLBottleneck", "OPT",
             "Memory is more heavily utilized than Compute: Look at the Memory Workload Analysis "
             "section to identify the DRAM bottleneck."});
        classifyLimiter(k);
        QCOMPARE(k.limiter, std::string("memory"));
        QCOMPARE(k.limiterDetail, std::string("DRAM"));
    }

    void versionLine()
    {
        QCOMPARE(parseNcuVersion(recorded("versions.txt")), std::string("2025.3.1.0"));
        QCOMPARE(parseNcuVersion("nothing"), std::string());
    }

    void reportJsonRoundTrip()
    {
        ProfileReport r;
        r.resultId = "abc";
        r.launches = parseNcuDetails(recorded("swish_details.out")).launches;
        r.error = ProfileError::None;
        const ProfileReport back = profileReportFromJson(toJson(r));
        QCOMPARE(back.launches.size(), std::size_t(2));
        QCOMPARE(back.launches[0].name, r.launches[0].name);
        QVERIFY(near(back.launches[1].durationNs, 171456));
        QCOMPARE(back.launches[0].limiter, std::string("compute"));
        QCOMPARE(back.launches[0].rules.size(), r.launches[0].rules.size());
        ProfileReport bad;
        bad.error = ProfileError::CountersNotPermitted;
        bad.errorMessage = "x";
        QCOMPARE(profileReportFromJson(toJson(bad)).error, ProfileError::CountersNotPermitted);
    }
};

QTEST_GUILESS_MAIN(TestNcuParser)
#include "tst_ncu_parser.moc"
