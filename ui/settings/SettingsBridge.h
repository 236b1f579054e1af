#pragma once

#include "ui/base/Job.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kw {
struct TrainingChange;
}

namespace kw::ui {

class Settings;

// The Settings panel's way into the core (issue 16): the Python probe, the Modal GPU catalogue
// and modal.json, and the training config's byte-preserving editor. Slow work runs on a Job;
// everything the panel sees is Qt-typed.
class SettingsBridge : public QObject
{
    Q_OBJECT
public:
    // What probing an interpreter found (core PythonProbe).
    struct PythonGpu
    {
        int index = 0;
        QString name, arch;
        double memoryGiB = 0;
    };
    struct PythonReport
    {
        bool ok = false;
        QString path, pythonVersion, torchVersion, torchCuda, error;
        bool tritonAvailable = false;
        QList<PythonGpu> gpus;
    };
    struct ModalGpu
    {
        QString name, arch;
        int sm = 0;
        double usdPerSecond = 0;
    };
    // The outcome of reading the training config: at most one error is set.
    struct TrainingRead
    {
        QString readError; // the file cannot be read
        QString yamlError; // it is not valid YAML
    };
    // A write's outcome: error empty on success; changed false when the file had the values.
    struct TrainingSave
    {
        QString error;
        bool changed = false;
    };

    explicit SettingsBridge(QObject* parent = nullptr);
    ~SettingsBridge() override;

    // Probes `python` (empty: the automatic choice) off the UI thread; pythonTested follows.
    void testPython(const QString& python);
    bool testingPython() const { return m_probe.busy(); }

    // This machine's memory (MemTotal) in GiB: the default cap is half of it.
    static double machineMemoryGiB();
    static QList<ModalGpu> modalGpus();
    // The canonical spelling of a Modal GPU type ("h100" → "H100"); empty with `error` set when
    // it is not one.
    static QString canonicalModalGpu(const QString& text, QString* error);
    // The timeout_s that the last Deploy saved in modal.json; nullopt when none.
    static std::optional<int> deployedTimeoutS();
    // The endpoint that the environment or the last deploy gives, without Settings.
    static QString outsideEndpoint();
    // The GPU type that Modal evaluations use with these settings.
    static QString effectiveModalGpu(const Settings& settings);

    // Reads the training config (small: on the UI thread) and keeps its values.
    TrainingRead readTraining(const QString& path);
    // The value of a key as last read; nullopt when absent.
    std::optional<QString> trainingValue(const QString& key) const;
    // Validates edited (key, text) pairs (empty text: left as it is) and keeps those that change
    // the file; returns the refusals in words (nothing kept then).
    QStringList stageTrainingChanges(const QList<std::pair<QString, QString>>& edited);
    bool trainingChangesStaged() const { return !m_staged.empty(); }
    // Writes the staged changes into `path` off the UI thread (atomic, with FILE.bak).
    void saveTraining(const QString& path);
    bool savingTraining() const { return m_save.busy(); }

Q_SIGNALS:
    void pythonTested(const kw::ui::SettingsBridge::PythonReport& report);
    void trainingSaved(const kw::ui::SettingsBridge::TrainingSave& result);

private:
    std::map<std::string, std::optional<std::string>> m_training; // as read, bytes kept
    std::vector<TrainingChange> m_staged;
    // Set when the bridge goes: kills the probe in progress (it may take up to 60 s per
    // interpreter) before m_probe waits for it.
    std::shared_ptr<std::atomic<bool>> m_closing = std::make_shared<std::atomic<bool>>(false);
    Job<PythonReport> m_probe{this};
    Job<TrainingSave> m_save{this};
};

} // namespace kw::ui
