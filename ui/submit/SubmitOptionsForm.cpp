#include "ui/submit/SubmitOptionsForm.h"
#include "ui/widgets/BaselineChooser.h"
#include "ui/widgets/WheelGuard.h"

#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"
#include "ui/submit/SubmitBridge.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>

using namespace Qt::StringLiterals;

namespace kw::ui {

SubmitOptionsForm::SubmitOptionsForm(Settings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_backend(new QComboBox(this)), m_target(new QComboBox(this)),
      m_deviceLabel(new QLabel(tr("Device"), this)), m_device(new QComboBox(this)),
      m_gpuLabel(new QLabel(tr("GPU type"), this)), m_gpuType(new QComboBox(this)),
      m_timeout(new QSpinBox(this)), m_correctTrials(new QSpinBox(this)),
      m_measurePerf(new QCheckBox(tr("Measure"), this)), m_perfTrials(new QSpinBox(this)),
      m_precision(new QComboBox(this)), m_baselines(new BaselineChooser(this))
{
    m_backend->addItem(tr("CUDA (load_inline) / PyTorch"), u"cuda"_s);
    m_backend->addItem(tr("Triton"), u"triton"_s);
    m_backend->addItem(tr("TileLang"), u"tilelang"_s);
    m_backend->addItem(tr("CuTe DSL"), u"cute"_s);
    m_backend->setToolTip(
        tr("How the candidate is loaded. PyTorch-only candidates use CUDA; on the CPU they run as is."));

    m_target->addItem(tr("Local (this machine)"), u"local"_s);
    m_target->addItem(tr("Modal (cloud GPUs)"), u"modal"_s);

    m_device->addItem(tr("Automatic (first free GPU, else CPU)"), u"auto"_s);
    m_device->addItem(tr("CPU"), u"cpu"_s);
    m_device->setToolTip(tr("Where the local evaluation runs"));

    for (const auto& [label, name] : SubmitBridge::modalGpus())
        m_gpuType->addItem(label, name);
    m_gpuType->setCurrentIndex(std::max(0, m_gpuType->findData(u"H100"_s)));

    m_timeout->setRange(5, 3600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(tr("Hard limit for the whole evaluation; the kernel's process is killed after it"));
    m_correctTrials->setRange(1, 100);
    m_correctTrials->setToolTip(tr("Seeded correctness trials (KernelBench's num_correct_trials)"));
    m_perfTrials->setRange(1, 10000);
    m_perfTrials->setToolTip(
        tr("Timed runs for kernel and baseline (num_perf_trials), an upper bound: trials are added until "
           "the relative standard error of the median is ≤ 0.5 % or the time budget ends; the number that "
           "ran is shown with the result."));
    m_measurePerf->setChecked(true);
    m_precision->addItem(u"fp32"_s);
    m_precision->addItem(u"fp16"_s);
    m_precision->addItem(u"bf16"_s);
    m_precision->setToolTip(
        tr("Inputs and weights are cast to this precision; tolerance 1e-4 (fp32) or 1e-2"));

    auto* perfRow = new QHBoxLayout;
    perfRow->setContentsMargins(0, 0, 0, 0);
    perfRow->addWidget(m_measurePerf);
    perfRow->addWidget(m_perfTrials, 1);

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->addRow(tr("Backend"), m_backend);
    form->addRow(tr("Target"), m_target);
    form->addRow(m_deviceLabel, m_device);
    form->addRow(m_gpuLabel, m_gpuType);
    form->addRow(tr("Timeout"), m_timeout);
    form->addRow(tr("Correctness trials"), m_correctTrials);
    form->addRow(tr("Performance trials"), perfRow);
    form->labelForField(perfRow)->setToolTip(m_perfTrials->toolTip());
    form->addRow(tr("Precision"), m_precision);
    form->addRow(tr("Baselines"), m_baselines);

    connect(m_target, &QComboBox::currentIndexChanged, this, [this] {
        updateTargetRows();
        Q_EMIT targetChanged(target());
    });
    connect(m_measurePerf, &QCheckBox::toggled, m_perfTrials, &QWidget::setEnabled);
    applyDefaults();
    for (QComboBox* c : findChildren<QComboBox*>()) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(12);
    }
    WheelGuard::install(this);
    updateTargetRows();
}

void SubmitOptionsForm::applyDefaults()
{
    setBackend(m_settings.backend());
    m_timeout->setValue(static_cast<int>(m_settings.timeoutS()));
    m_correctTrials->setValue(m_settings.correctTrials());
    m_perfTrials->setValue(m_settings.perfTrials());
    m_precision->setCurrentText(m_settings.precision());
    m_baselines->setBaselines(m_settings.baselines());
    m_baselines->setCompileMode(m_settings.compileMode());
}

void SubmitOptionsForm::updateTargetRows()
{
    const bool local = target() == u"local"_s;
    m_deviceLabel->setVisible(local);
    m_device->setVisible(local);
    m_gpuLabel->setVisible(!local);
    m_gpuType->setVisible(!local);
}

QString SubmitOptionsForm::target() const
{
    return m_target->currentData().toString();
}

void SubmitOptionsForm::setBackend(const QString& backend)
{
    const int i = m_backend->findData(backend);
    if (i >= 0)
        m_backend->setCurrentIndex(i);
}

void SubmitOptionsForm::setDevice(const QString& device)
{
    int i = m_device->findData(device);
    if (i < 0) {
        m_device->addItem(device, device);
        i = m_device->count() - 1;
    }
    m_device->setCurrentIndex(i);
}

void SubmitOptionsForm::setLocalDevices(const QStringList& devices)
{
    const QString current = m_device->currentData().toString();
    while (m_device->count() > 2)
        m_device->removeItem(2);
    for (const QString& d : devices)
        m_device->addItem(d, d);
    setDevice(current.isEmpty() ? u"auto"_s : current);
}

void SubmitOptionsForm::fillRequest(EvalRequest& r) const
{
    r.backend = toStd(m_backend->currentData().toString());
    r.target = toStd(target());
    r.device = r.target == "local" ? toStd(m_device->currentData().toString()) : std::string("auto");
    r.gpuType = r.target == "modal" ? toStd(m_gpuType->currentData().toString()) : std::string();
    r.timeoutS = m_timeout->value();
    r.numCorrectTrials = m_correctTrials->value();
    r.measurePerformance = m_measurePerf->isChecked();
    r.numPerfTrials = m_perfTrials->value();
    r.precision = toStd(m_precision->currentText());
    r.baselines = toStdList(m_baselines->baselines());
    r.compileMode = toStd(m_baselines->compileMode());
}

void SubmitOptionsForm::loadFrom(const EvalRequest& r)
{
    setBackend(qs(r.backend));
    m_target->setCurrentIndex(std::max(0, m_target->findData(qs(r.target))));
    if (r.target == "local")
        setDevice(r.device.empty() ? u"auto"_s : qs(r.device));
    if (!r.gpuType.empty()) {
        const int g = m_gpuType->findData(qs(r.gpuType));
        if (g >= 0)
            m_gpuType->setCurrentIndex(g);
    }
    m_timeout->setValue(static_cast<int>(r.timeoutS));
    m_correctTrials->setValue(r.numCorrectTrials);
    m_measurePerf->setChecked(r.measurePerformance);
    m_perfTrials->setValue(r.numPerfTrials);
    m_precision->setCurrentText(qs(r.precision));
    m_baselines->setBaselines(qsList(r.baselines));
    m_baselines->setCompileMode(qs(r.compileMode));
}

} // namespace kw::ui
