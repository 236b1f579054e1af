#include "ui/settings/SettingsBridge.h"

#include "core/base/AtomicFile.h"
#include "core/base/Paths.h"
#include "core/config/TrainingConfig.h"
#include "core/local/MemoryCap.h"
#include "core/local/PythonFinder.h"
#include "core/modal/ModalConfig.h"
#include "core/modal/ModalGpu.h"
#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace kw::ui {

namespace {

SettingsBridge::PythonReport report(const PythonProbe& p)
{
    SettingsBridge::PythonReport r;
    r.ok = p.ok;
    r.path = qs(p.path);
    r.pythonVersion = qs(p.pythonVersion);
    r.torchVersion = qs(p.torchVersion);
    r.torchCuda = qs(p.torchCuda);
    r.error = qs(p.error);
    r.tritonAvailable = p.tritonAvailable;
    for (const GpuDescription& g : p.gpus)
        r.gpus.push_back({g.index, qs(g.name), qs(g.arch), g.memoryGiB});
    return r;
}

} // namespace

SettingsBridge::SettingsBridge(QObject* parent) : QObject(parent) {}

SettingsBridge::~SettingsBridge()
{
    m_closing->store(true); // the probe's interpreter is killed before m_probe waits
}

void SettingsBridge::testPython(const QString& python)
{
    m_probe.start(
        [python = toStd(python), evaluator = paths::evaluatorDir(), closing = m_closing] {
            return report(python.empty() ? findPython({}, evaluator, closing.get())
                                         : probePython(python, evaluator, 60, closing.get()));
        },
        [this](PythonReport r) { Q_EMIT pythonTested(r); });
}

double SettingsBridge::machineMemoryGiB()
{
    return double(memTotalKb()) / (1024.0 * 1024.0);
}

QList<SettingsBridge::ModalGpu> SettingsBridge::modalGpus()
{
    QList<ModalGpu> out;
    for (const ModalGpuInfo& g : modalGpuCatalogue())
        out.push_back({qs(g.name), qs(g.arch), g.sm, g.usdPerSecond});
    return out;
}

QString SettingsBridge::canonicalModalGpu(const QString& text, QString* error)
{
    const ModalGpuSpec spec = parseModalGpu(toStd(text));
    if (error)
        *error = spec.ok() ? QString() : qs(spec.error);
    return spec.ok() ? qs(spec.canonical()) : QString();
}

std::optional<int> SettingsBridge::deployedTimeoutS()
{
    std::ifstream f(modalSettingsPath());
    if (!f)
        return std::nullopt;
    const auto j = nlohmann::json::parse(f, nullptr, false);
    if (!j.is_object())
        return std::nullopt;
    const auto it = j.find("timeout_s");
    if (it == j.end() || !it->is_number_integer())
        return std::nullopt;
    return it->get<int>();
}

QString SettingsBridge::outsideEndpoint()
{
    return qs(ModalConfig::fromEnvironment().endpoint);
}

QString SettingsBridge::effectiveModalGpu(const Settings& settings)
{
    return qs(settings.modalConfig().gpuType);
}

SettingsBridge::TrainingRead SettingsBridge::readTraining(const QString& path)
{
    m_training.clear();
    m_staged.clear();
    TrainingRead r;
    std::string text;
    if (const std::string err = readWholeFile(toStd(path), text); !err.empty()) {
        r.readError = qs(err);
        return r;
    }
    const TrainingSettingsView view = readTrainingSettings(text);
    if (!view.error.empty()) {
        r.yamlError = qs(view.error);
        return r;
    }
    for (const auto& [key, value] : view.values)
        m_training[key] = value;
    return r;
}

std::optional<QString> SettingsBridge::trainingValue(const QString& key) const
{
    const auto it = m_training.find(toStd(key));
    if (it == m_training.end() || !it->second)
        return std::nullopt;
    return qs(*it->second);
}

QStringList SettingsBridge::stageTrainingChanges(const QList<std::pair<QString, QString>>& edited)
{
    m_staged.clear();
    std::vector<TrainingChange> changes;
    QStringList errors;
    for (const auto& [key, text] : edited) {
        if (text.isEmpty())
            continue; // left as it is
        TrainingChange c;
        c.key = toStd(key);
        if (const std::string err = validateTrainingValue(c.key, toStd(text), c.value); !err.empty()) {
            errors << qs(err);
            continue;
        }
        const auto it = m_training.find(c.key);
        if (it == m_training.end() || c.value.scalarText() != it->second)
            changes.push_back(std::move(c));
    }
    if (errors.isEmpty())
        m_staged = std::move(changes);
    return errors;
}

void SettingsBridge::saveTraining(const QString& path)
{
    std::vector<TrainingChange> changes = std::move(m_staged);
    m_staged.clear();
    m_save.start(
        [path = toStd(path), changes] {
            TrainingSave r;
            std::string text;
            if (std::string err = readWholeFile(path, text); !err.empty()) {
                r.error = qs(err);
                return r;
            }
            const YamlEditOutcome edit = applyTrainingChanges(text, changes);
            if (!edit.ok()) {
                r.error = qs(edit.error);
                return r;
            }
            r.changed = edit.changed;
            if (edit.changed)
                r.error = qs(writeFileAtomically(path, edit.text, ".bak"));
            return r;
        },
        [this](TrainingSave r) { Q_EMIT trainingSaved(r); });
}

} // namespace kw::ui
