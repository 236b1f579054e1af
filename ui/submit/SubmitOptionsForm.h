#pragma once

#include "core/model/EvalRequest.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace kw::ui {

class BaselineChooser;
class Settings;

// Backend, target, device or GPU type, timeout, trials, precision and baselines for a submission.
class SubmitOptionsForm : public QWidget
{
    Q_OBJECT
public:
    explicit SubmitOptionsForm(Settings& settings, QWidget* parent = nullptr);

    void fillRequest(EvalRequest& r) const;
    void loadFrom(const EvalRequest& r);
    void applyDefaults();
    void setLocalDevices(const QStringList& devices); // "cuda:0", ...
    void setBackend(const QString& backend);
    void setDevice(const QString& device);
    QString target() const;

Q_SIGNALS:
    void targetChanged(const QString& target);

private:
    void updateTargetRows();

    Settings& m_settings;
    QComboBox* m_backend;
    QComboBox* m_target;
    QLabel* m_deviceLabel;
    QComboBox* m_device;
    QLabel* m_gpuLabel;
    QComboBox* m_gpuType;
    QSpinBox* m_timeout;
    QSpinBox* m_correctTrials;
    QCheckBox* m_measurePerf;
    QSpinBox* m_perfTrials;
    QComboBox* m_precision;
    BaselineChooser* m_baselines;
};

} // namespace kw::ui
