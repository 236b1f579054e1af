// core/local/GpuInventory: the CUDA driver's list and the evaluator's torch probe (recorded probe
// output, tests/fixtures/fake_zygote/recorded and tests/fixtures/probe) combined by one rule.
#include "core/local/GpuInventory.h"

#include <QtTest>

#include <fstream>
#include <sstream>

using namespace kw;

namespace {
std::string fixture(const std::string& rel)
{
    std::ifstream f(qEnvironmentVariable("KW_TEST_FIXTURES").toStdString() + "/" + rel);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
// What CudaDeviceQuery answers on a two-H100 host.
CudaInventory twoH100()
{
    CudaInventory d;
    d.devices = {{0, "NVIDIA H100 80GB HBM3", 85e9, 9, 0}, {1, "NVIDIA H100 80GB HBM3", 85e9, 9, 0}};
    d.library = "libcudart.so.12";
    d.runtimeVersion = 12040;
    d.driverVersion = 12080;
    return d;
}
} // namespace

class TestGpuInventory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nothingAskedYet()
    {
        const GpuInventory inv = GpuInventory::combine(std::nullopt, std::nullopt);
        QVERIFY(inv.devices.empty());
        QCOMPARE(inv.summary(), std::string("Local: looking for GPUs"));
    }

    // Before torch answers, the driver's GPUs are pending, and every front end says so.
    void driverFirst()
    {
        const GpuInventory inv = GpuInventory::combine(twoH100(), std::nullopt);
        QCOMPARE(inv.devices.size(), std::size_t(2));
        QCOMPARE(inv.devices[0].use, GpuUse::Pending);
        QCOMPARE(inv.devices[0].arch, std::string("sm_90"));
        QVERIFY(!inv.devices[0].note.empty());
        QCOMPARE(inv.usableCount(), 2);
        QCOMPARE(inv.summary(), std::string("Local: 2 GPUs (checking torch)"));
        QVERIFY2(
            inv.message().find("2 GPUs found through libcudart.so.12 (CUDA runtime 12.4, driver supports "
                               "CUDA 12.8); checking") == 0,
            inv.message().c_str());
    }

    // This machine's torch (Debian's 1.13, a CPU build, recorded): the driver's GPUs cannot be used.
    void cpuBuildOfTorch()
    {
        const PythonProbe probe = parseProbeOutput(fixture("fake_zygote/recorded/probe_debian_cpu.txt"));
        QVERIFY(probe.ok);
        const GpuInventory inv = GpuInventory::combine(twoH100(), probe);
        QCOMPARE(inv.devices.size(), std::size_t(2));
        for (const auto& g : inv.devices) {
            QCOMPARE(g.use, GpuUse::NotUsable);
            QVERIFY2(g.note.find("torch 1.13.0a0 is a CPU build") == 0, g.note.c_str());
        }
        QCOMPARE(inv.usableCount(), 0);
        QCOMPARE(inv.summary(), std::string("Local: CPU"));
        QVERIFY2(inv.message().find("torch 1.13.0a0 (CPU build) uses no GPU: evaluations run on the CPU") !=
                     std::string::npos,
                 inv.message().c_str());
        // No driver GPU at all (this machine): the same words, nothing listed.
        CudaInventory none;
        none.message = "The NVIDIA driver sees no GPU: evaluations run on the CPU.";
        const GpuInventory cpu = GpuInventory::combine(none, probe);
        QVERIFY(cpu.devices.empty());
        QCOMPARE(cpu.message(),
                 std::string("The NVIDIA driver sees no GPU: evaluations run on the CPU. Torch "
                             "1.13.0a0 (CPU build) uses no GPU: evaluations run on the CPU."));
    }

    void probeFailed()
    {
        const PythonProbe probe = parseProbeOutput(fixture("fake_zygote/recorded/probe_pyenv_no_torch.txt"));
        QVERIFY(!probe.ok);
        const GpuInventory inv = GpuInventory::combine(twoH100(), probe);
        QCOMPARE(inv.usableCount(), 0);
        QVERIFY(inv.devices[1].note.find("the evaluator's Python cannot run") == 0);
        QVERIFY(inv.message().find("nothing can be evaluated here") != std::string::npos);
    }

    // A CUDA build of torch, recorded on an H100 host (tests/fixtures/probe/README.md): the GPUs it
    // sees are usable, with torch's arch, and the driver's memory figure.
    void cudaTorchRecorded()
    {
        const std::string text = fixture("probe/probe_h100.txt");
        if (text.empty())
            QSKIP("tests/fixtures/probe/probe_h100.txt is not recorded yet (see its README)");
        const PythonProbe probe = parseProbeOutput(text);
        QVERIFY(probe.ok);
        QVERIFY(!probe.gpus.empty());
        // What the H100 host reported (README: host, torch, date).
        QCOMPARE(probe.torchVersion, std::string("2.11.0+cu130"));
        QCOMPARE(probe.torchCuda, std::string("13.0"));
        QVERIFY(probe.tritonAvailable);
        QCOMPARE(probe.gpus[0].name, std::string("NVIDIA H100 80GB HBM3"));
        QCOMPARE(probe.gpus[0].arch, std::string("sm_90"));
        CudaInventory driver;
        for (const auto& g : probe.gpus)
            driver.devices.push_back({g.index, g.name, 85e9, 9, 0});
        driver.devices.push_back({int(probe.gpus.size()), "NVIDIA H100 80GB HBM3", 85e9, 9, 0});
        const GpuInventory inv = GpuInventory::combine(driver, probe);
        QCOMPARE(inv.usableCount(), int(probe.gpus.size()));
        QCOMPARE(inv.devices.back().use, GpuUse::NotUsable); // one torch does not see
        QVERIFY(inv.devices.back().note.find("does not see this GPU") != std::string::npos);
        QCOMPARE(inv.devices[0].arch, probe.gpus[0].arch);
        QCOMPARE(inv.devices[0].memoryBytes, 85e9);
    }

    // No driver library here, but torch sees GPUs: torch's word is enough.
    void torchWithoutDriverQuery()
    {
        PythonProbe probe = parseProbeOutput(fixture("fake_zygote/recorded/probe_debian_cpu.txt"));
        probe.torchCuda = "12.4";
        probe.gpus = {{0, "NVIDIA L4", "sm_89", 22.0}};
        CudaInventory none;
        none.message = "No CUDA runtime (libcudart.so) or NVIDIA driver found";
        const GpuInventory inv = GpuInventory::combine(none, probe);
        QCOMPARE(inv.devices.size(), std::size_t(1));
        QCOMPARE(inv.devices[0].use, GpuUse::Usable);
        QCOMPARE(inv.devices[0].memoryBytes, 22.0 * (1ull << 30));
        QCOMPARE(inv.summary(), std::string("Local: 1 GPU"));
    }
};

QTEST_GUILESS_MAIN(TestGpuInventory)
#include "tst_gpu_inventory.moc"
