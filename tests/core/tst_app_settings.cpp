// core/usecase/AppSettings: the one precedence rule (option > environment > settings file >
// modal.json > default), the source kept with each value, and what bad values become.
#include "core/local/MemoryCap.h"
#include "core/usecase/AppSettings.h"

#include <QtTest>

using namespace kw;

namespace {
SettingLayers layers()
{
    SettingLayers l;
    l.settingsPath = "/home/u/.config/kernelwatch/kernelwatch.conf";
    l.settingsFileFound = true;
    l.modalJsonPath = "/home/u/.config/kernelwatch/modal.json";
    return l;
}
} // namespace

class TestAppSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults()
    {
        const AppSettings s = AppSettings::resolve(SettingLayers{});
        QCOMPARE(s.python.value, std::string());
        QCOMPARE(s.python.source, SettingSource::Default);
        QCOMPARE(s.python.where, std::string("default"));
        QVERIFY(s.devices.value.empty());
        QCOMPARE(s.cpuConcurrency.value, 1);
        QCOMPARE(s.modalGpu.value, std::string("H100"));
        QCOMPARE(s.modalCli.value, std::string("modal"));
        QCOMPARE(s.correctTrials.value, 5);
        QCOMPARE(s.perfTrials.value, 100);
        QCOMPARE(s.timeoutS.value, 300.0);
        QCOMPARE(s.baselines.value, (std::vector<std::string>{"eager"}));
        QCOMPARE(s.compileMode.value, std::string("default"));
        QVERIFY(s.problems.empty());
    }

    // Each layer in turn is taken away: the next one answers, and says where it came from.
    void precedenceOfEveryLayer()
    {
        SettingLayers l = layers();
        l.options["endpoint"] = "https://option";
        l.environment = {"KERNELWATCH_MODAL_ENDPOINT=https://env"};
        l.settingsFile.set("modal/endpoint", QtIniValue::string("https://file"));
        l.modalJson = {{"endpoint", "https://deployed"}, {"gpu", "L4"}, {"timeout_s", 600}};

        AppSettings s = AppSettings::resolve(l);
        QCOMPARE(s.modalEndpoint.value, std::string("https://option"));
        QCOMPARE(s.modalEndpoint.source, SettingSource::Option);
        QCOMPARE(s.modalEndpoint.where, std::string("--endpoint"));

        l.options.clear();
        s = AppSettings::resolve(l);
        QCOMPARE(s.modalEndpoint.value, std::string("https://env"));
        QCOMPARE(s.modalEndpoint.where, std::string("KERNELWATCH_MODAL_ENDPOINT"));

        l.environment = {"KERNELWATCH_MODAL_ENDPOINT="}; // empty: not set
        s = AppSettings::resolve(l);
        QCOMPARE(s.modalEndpoint.value, std::string("https://file"));
        QCOMPARE(s.modalEndpoint.source, SettingSource::SettingsFile);
        QCOMPARE(s.modalEndpoint.where,
                 std::string("/home/u/.config/kernelwatch/kernelwatch.conf [modal/endpoint]"));

        l.settingsFile.set("modal/endpoint", QtIniValue::string("")); // the GUI's "not set here"
        s = AppSettings::resolve(l);
        QCOMPARE(s.modalEndpoint.value, std::string("https://deployed"));
        QCOMPARE(s.modalEndpoint.source, SettingSource::ModalJson);
        QCOMPARE(s.modalEndpoint.where, l.modalJsonPath);
        QCOMPARE(s.modalGpu.value, std::string("L4"));
        QCOMPARE(s.modalTimeoutS.value, 600);
        QCOMPARE(s.modalTimeoutS.source, SettingSource::ModalJson);

        l.modalJson = nlohmann::json::object();
        s = AppSettings::resolve(l);
        QCOMPARE(s.modalEndpoint.value, std::string());
        QCOMPARE(s.modalEndpoint.source, SettingSource::Default);
    }

    void environmentBeatsTheSettingsFile()
    {
        SettingLayers l = layers();
        l.settingsFile.set("local/python", QtIniValue::string("/file/python3"));
        l.settingsFile.set("profile/ncu", QtIniValue::string("/file/ncu"));
        l.settingsFile.set("modal/cli", QtIniValue::string("/file/modal"));
        l.environment = {"KERNELWATCH_PYTHON=/env/python3", "KERNELWATCH_NCU=/env/ncu"};
        const AppSettings s = AppSettings::resolve(l);
        QCOMPARE(s.python.value, std::string("/env/python3"));
        QCOMPARE(s.python.source, SettingSource::Environment);
        QCOMPARE(s.ncuPath.value, std::string("/env/ncu"));
        QCOMPARE(s.modalCli.value, std::string("/file/modal"));
        QCOMPARE(s.localConfig().python, std::string("/env/python3"));
    }

    // The memory cap: option > environment > settings file > half of RAM; the environment's
    // value is left to the backend (resolveMemoryCap reads and names it), the others carry where.
    void memoryCapFromEveryLayer()
    {
        SettingLayers l = layers();
        AppSettings s = AppSettings::resolve(l);
        QCOMPARE(s.memLimitMb.value, -1LL);
        QCOMPARE(s.localConfig().memLimitMb, -1LL);
        l.settingsFile.set("local/memLimitMb", QtIniValue::string("4096"));
        s = AppSettings::resolve(l);
        QCOMPARE(s.memLimitMb.source, SettingSource::SettingsFile);
        QCOMPARE(s.localConfig().memLimitMb, 4096LL);
        QCOMPARE(s.localConfig().memLimitSource, std::string("Settings → Memory cap"));
        const MemoryCap cap = resolveMemoryCap(s.localConfig().memLimitMb, std::nullopt, 16LL << 20,
                                               s.localConfig().memLimitSource);
        QCOMPARE(cap.describe(),
                 std::string("the evaluator's memory cap of 4.0 GiB (Settings → Memory cap)"));
        l.environment = {"KERNELWATCH_MEM_LIMIT_MB=2048"};
        s = AppSettings::resolve(l);
        QCOMPARE(s.memLimitMb.value, 2048LL);
        QCOMPARE(s.memLimitMb.source, SettingSource::Environment);
        QCOMPARE(s.localConfig().memLimitMb, 2048LL);
        QCOMPARE(resolveMemoryCap(s.localConfig().memLimitMb, std::string("2048"), 16LL << 20,
                                  s.localConfig().memLimitSource)
                     .describe(),
                 std::string("the evaluator's memory cap of 2.0 GiB (KERNELWATCH_MEM_LIMIT_MB=2048)"));
        l.options["mem-limit-mb"] = "1024";
        s = AppSettings::resolve(l);
        QCOMPARE(s.localConfig().memLimitMb, 1024LL);
        QCOMPARE(s.localConfig().memLimitSource, std::string("--mem-limit-mb"));
        // Not a number: said, and the default used.
        SettingLayers bad = layers();
        bad.settingsFile.set("local/memLimitMb", QtIniValue::string("lots"));
        s = AppSettings::resolve(bad);
        QCOMPARE(s.memLimitMb.value, -1LL);
        QCOMPARE(s.problems.size(), std::size_t(1));
        QVERIFY2(s.problems[0].find("'lots' is not a number") != std::string::npos, s.problems[0].c_str());
        bool listed = false;
        for (const auto& row : AppSettings::resolve(layers()).rows())
            listed = listed || (row[0] == "mem_limit_mb" && row[1] == "(half of RAM)");
        QVERIFY(listed);
    }

    void listsFromEveryLayer()
    {
        SettingLayers l = layers();
        l.settingsFile.set("local/devices", QtIniValue::stringList({"cuda:0", "cuda:1"}));
        AppSettings s = AppSettings::resolve(l);
        QCOMPARE(s.devices.value, (std::vector<std::string>{"cuda:0", "cuda:1"}));
        QCOMPARE(s.localConfig().devices, s.devices.value);
        l.settingsFile.set("local/devices", QtIniValue::string("cpu")); // a one-item list
        QCOMPARE(AppSettings::resolve(l).devices.value, (std::vector<std::string>{"cpu"}));
        l.settingsFile.set("local/devices", QtIniValue{QtIniValue::Kind::Invalid, {}, {}}); // empty list
        QVERIFY(AppSettings::resolve(l).devices.value.empty());
        QCOMPARE(AppSettings::resolve(l).devices.source, SettingSource::Default);

        l.settingsFile.set("defaults/baselines", QtIniValue::stringList({"eager", "compile"}));
        QCOMPARE(AppSettings::resolve(l).baselines.value, (std::vector<std::string>{"eager", "compile"}));
        l.settingsFile.set("defaults/baselines", QtIniValue::stringList({"compile", "bogus"}));
        QCOMPARE(AppSettings::resolve(l).baselines.value, (std::vector<std::string>{"eager", "compile"}));
    }

    // Bad values: the GUI's clamps where it clamps, else the default with a line that says so.
    void badValues()
    {
        SettingLayers l = layers();
        l.settingsFile.set("local/cpuConcurrency", QtIniValue::string("999"));
        l.settingsFile.set("defaults/perfTrials", QtIniValue::string("lots"));
        l.settingsFile.set("defaults/precision", QtIniValue::string("fp64"));
        l.settingsFile.set("defaults/compileMode", QtIniValue::string("max-autotune"));
        const AppSettings s = AppSettings::resolve(l);
        QCOMPARE(s.cpuConcurrency.value, 256);
        QCOMPARE(s.perfTrials.value, 100);
        QCOMPARE(s.perfTrials.source, SettingSource::Default);
        QCOMPARE(s.precision.value, std::string("fp32"));
        QCOMPARE(s.compileMode.value, std::string("default"));
        QCOMPARE(s.problems.size(), std::size_t(3));
        QVERIFY2(
            s.problems[0].find("[defaults/perfTrials]: 'lots' is not a number; the default 100 is used") !=
                std::string::npos,
            s.problems[0].c_str());
        QVERIFY(s.problems[1].find("'fp64' is not one of fp32, fp16, bf16") != std::string::npos);
        // An option is left to the front end, which refuses it naming the option.
        l.options["precision"] = "fp8";
        const AppSettings o = AppSettings::resolve(l);
        QCOMPARE(o.precision.value, std::string("fp8"));
        QCOMPARE(o.precision.source, SettingSource::Option);
    }

    void fileProblemsAreKept()
    {
        SettingLayers l = layers();
        l.settingsFile = parseQtIni("[local]\njunk\n");
        const AppSettings s = AppSettings::resolve(l);
        QCOMPARE(s.problems.size(), std::size_t(1));
        QVERIFY(s.problems[0].rfind(l.settingsPath + ": line 2", 0) == 0);
    }

    // A proxy token has two halves: half of one in the environment takes both from there.
    void proxyTokenPairs()
    {
        SettingLayers l = layers();
        l.settingsFile.set("modal/endpoint", QtIniValue::string("https://me--e.modal.run"));
        l.settingsFile.set("modal/proxyKey", QtIniValue::string("wk-file"));
        l.settingsFile.set("modal/proxySecret", QtIniValue::string("ws-file"));
        AppSettings s = AppSettings::resolve(l);
        QCOMPARE(s.modalConfig().proxyKey, std::string("wk-file"));
        QCOMPARE(s.modalConfig().proxySecret, std::string("ws-file"));
        l.environment = {"KERNELWATCH_PROXY_KEY=wk-env"};
        s = AppSettings::resolve(l);
        QCOMPARE(s.modalConfig().proxyKey, std::string("wk-env"));
        QCOMPARE(s.modalConfig().proxySecret, std::string());
        QVERIFY(s.modalConfig().validate().find("set both") != std::string::npos);
        // Never printed.
        for (const auto& row : s.rows())
            QVERIFY(row[1].find("ws-file") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_app_settings.moc"
