#pragma once

#include "core/local/LocalConfig.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QSettings;

namespace kw {
struct AppSettings;
class ModalCli;
struct ModalCliOptions;
struct ModalConfig;
} // namespace kw

namespace kw::ui {

// The one typed view of the application's settings (QSettings behind it). Panels read and
// write through these accessors and listen to the change signals; no key strings elsewhere.
class Settings : public QObject
{
    Q_OBJECT
public:
    enum class Theme
    {
        System,
        Light,
        Dark
    };
    Q_ENUM(Theme)

    // The user's settings (organisation/application names set in main()).
    explicit Settings(QObject* parent = nullptr);
    // Settings kept in one INI file (tests, screenshots).
    explicit Settings(const QString& iniFile, QObject* parent = nullptr);
    ~Settings() override;

    // Local evaluation
    QString pythonPath() const; // empty = discover
    // KERNELWATCH_PYTHON's value when the environment decides the interpreter (it comes before
    // this setting, for the app and kernelwatch-cli alike); else empty.
    QString pythonFromEnvironment() const;
    void setPythonPath(const QString& path);
    QStringList devices() const; // empty = every visible GPU, else CPU
    void setDevices(const QStringList& devices);
    int cpuConcurrency() const;
    void setCpuConcurrency(int n);
    // Memory cap per evaluation in MiB (the evaluator's --mem-limit-mb); -1: the default, half of
    // RAM. KERNELWATCH_MEM_LIMIT_MB wins over it (memLimitFromEnvironment).
    long long memLimitMb() const;
    void setMemLimitMb(long long mb);
    QString memLimitFromEnvironment() const; // the variable's value when it decides; else empty
    QString cacheDir() const;
    void setCacheDir(const QString& dir);
    QString defaultCacheDir() const;
    LocalConfig localConfig() const;

    // Modal. Empty strings mean "not set here": the endpoint and GPU then come from the
    // environment or from the last deploy (modal.json), the CLI from $KERNELWATCH_MODAL_BIN.
    QString modalEndpoint() const;
    void setModalEndpoint(const QString& url);
    QString modalGpuType() const;
    void setModalGpuType(const QString& gpu);
    int modalTimeoutS() const; // the evaluator function's timeout on Modal, 10..86400 s
    void setModalTimeoutS(int s);
    QString modalProxyKey() const;
    void setModalProxyKey(const QString& key);
    QString modalProxySecret() const; // never logged, never shown
    void setModalProxySecret(const QString& secret);
    QString modalCliPath() const;
    void setModalCliPath(const QString& path);
    QString ncuPath() const; // Nsight Compute's ncu for profiles; empty = discover (PATH, CUDA_HOME)
    void setNcuPath(const QString& path);
    QString trainingYamlPath() const; // the kernel_rl training config edited in Settings
    void setTrainingYamlPath(const QString& path);
    static constexpr int kDefaultModalTimeoutS = 300; // Modal's default function timeout
    static constexpr int kMinModalTimeoutS = 10;
    static constexpr int kMaxModalTimeoutS = 86400;
    // The core settings model (core/usecase/AppSettings) over what is stored here, the
    // environment and modal.json: one precedence for the GUI and kernelwatch-cli (environment >
    // these settings > modal.json > default). localConfig(), modalConfig() and modalCliOptions()
    // are its answers.
    AppSettings appSettings() const;
    // The endpoint, GPU and proxy token by that rule (a token half in the environment takes both
    // halves from there).
    ModalConfig modalConfig() const;
    // True when KERNELWATCH_PROXY_KEY or KERNELWATCH_PROXY_SECRET is set (they win over the token
    // set here).
    static bool proxyTokenFromEnvironment();
    ModalCliOptions modalCliOptions() const;
    // The `modal` client as configured now (environment, then the CLI path set here). Panels take
    // it when they start a command, so a change in Settings applies to the next command.
    ModalCli modalCli() const;

    // Storage
    QString historyPath() const;
    void setHistoryPath(const QString& path);
    QString defaultHistoryPath() const;

    // Defaults for new submissions
    int correctTrials() const;
    void setCorrectTrials(int n);
    int perfTrials() const;
    void setPerfTrials(int n);
    QString precision() const;
    void setPrecision(const QString& p);
    double timeoutS() const;
    void setTimeoutS(double s);
    QString backend() const;
    void setBackend(const QString& b);
    // Baselines measured besides the kernel: "eager" alone, or "eager" and "compile"
    // (torch.compile of the reference, in compileMode(): "default" or "max-autotune-no-cudagraphs").
    QStringList baselines() const;
    void setBaselines(const QStringList& names);
    QString compileMode() const;
    void setCompileMode(const QString& mode);

    // Appearance and session
    Theme theme() const;
    void setTheme(Theme t);
    QString kernelBenchDir() const;
    void setKernelBenchDir(const QString& dir);
    QString lastReferencePath() const;
    void setLastReferencePath(const QString& path);
    QString lastKernelPath() const;
    void setLastKernelPath(const QString& path);

    // Window and panel state (opaque blobs)
    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindowGeometry(const QByteArray& g);
    void setWindowState(const QByteArray& s);
    QString currentPanel() const;
    void setCurrentPanel(const QString& id);
    QByteArray panelState(const QString& panelId, const QString& part) const;
    void setPanelState(const QString& panelId, const QString& part, const QByteArray& state);

    void sync();

Q_SIGNALS:
    void localConfigChanged(); // python, devices, concurrency or cache changed
    void modalConfigChanged(); // any of the Modal settings (endpoint … training YAML) changed
    void historyPathChanged();
    void defaultsChanged();
    void themeChanged(kw::ui::Settings::Theme theme);
    void kernelBenchDirChanged(const QString& dir);

private:
    QVariant value(const QString& key, const QVariant& fallback) const;
    bool store(const QString& key, const QVariant& v); // true when the value changed
    bool remove(const QString& key);                   // false when it was not set

    std::unique_ptr<QSettings> m_settings;
};

} // namespace kw::ui
