#include "ui/settings/SettingsPanel.h"
#include "ui/widgets/BaselineChooser.h"
#include "ui/widgets/WheelGuard.h"

#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"
#include "ui/models/GpuListModel.h"
#include "ui/services/AppContext.h"
#include "ui/services/DeviceInventory.h"
#include "ui/settings/MemoryCapRow.h"
#include "ui/settings/ModalSettingsForm.h"
#include "ui/settings/PathField.h"
#include "ui/settings/PythonTestRow.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
QLabel* hint(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

// A field with its hint right below it, as one form row: a word-wrapped label in a row of its own
// makes QFormLayout reserve odd heights for it.
QWidget* withHint(QWidget* field, QLabel* hint, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    field->setParent(box);
    hint->setParent(box);
    l->addWidget(field);
    l->addWidget(hint);
    return box;
}
} // namespace

PanelInfo SettingsPanel::info()
{
    return {u"settings"_s, tr("Settings"), u"settings"_s, tr("Interpreter, devices, storage and defaults")};
}

SettingsPanel::SettingsPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_sections(nullptr), m_python(nullptr), m_gpus(new GpuListModel(this))
{
    // The sections keep a readable width on wide windows. The width limit is on the column, in a
    // row with a stretch, rather than on each section: a vertical layout asks its items for their
    // height at its own full width, so word-wrapped text in a narrower section got too little height.
    auto* content = new QWidget(this);
    auto* row = new QHBoxLayout(content);
    row->setContentsMargins(0, 0, 0, 0);
    auto* columnWidget = new QWidget(content);
    columnWidget->setMaximumWidth(980 + 32);
    row->addWidget(columnWidget, 1);
    row->addStretch(0);
    auto* column = new QVBoxLayout(columnWidget);
    column->setContentsMargins(16, 12, 16, 16);
    column->setSpacing(12);
    m_sections = column;
    addSection(tr("Local evaluation"), localSection());
    addSection(tr("GPUs on this machine"), gpuSection());
    addSection(tr("Defaults for new evaluations"), defaultsSection());
    addSection(tr("Storage"), storageSection());
    addSection(tr("Modal"), modalSection());
    addSection(tr("Appearance"), appearanceSection());
    column->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(scroll);

    connect(ctx.devices(), &DeviceInventory::changed, this, &SettingsPanel::updateGpus);
    updateGpus();
    WheelGuard::install(this);
}

void SettingsPanel::addSection(const QString& title, QWidget* content)
{
    auto* box = new QGroupBox(title, this);
    auto* l = new QVBoxLayout(box);
    l->addWidget(content);
    const int at = m_sections->count() > 0 && m_sections->itemAt(m_sections->count() - 1)->spacerItem()
                       ? m_sections->count() - 1
                       : m_sections->count();
    m_sections->insertWidget(at, box);
}

QLineEdit* SettingsPanel::pathField(const QString& value, bool folder,
                                    std::function<void(const QString&)> apply, QWidget* parent, QWidget** row)
{
    auto* field =
        new PathField(value,
                      folder ? PathField::folder(tr("Choose a folder"))
                             : PathField::saveFile(tr("History file"), tr("SQLite database (*.sqlite *.db)")),
                      parent);
    connect(field, &PathField::committed, this, [apply = std::move(apply)](const QString& p) { apply(p); });
    *row = field;
    return field->edit();
}

QWidget* SettingsPanel::localSection()
{
    Settings& s = m_ctx.settings();
    auto* w = new QWidget(this);
    auto* form = new QFormLayout(w);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_python = new PythonTestRow(s, w);
    form->addRow(tr("Python interpreter"), m_python);

    auto* devices = new QLineEdit(s.devices().join(u", "_s), w);
    devices->setPlaceholderText(tr("All GPUs (the CPU when there is none)"));
    connect(devices, &QLineEdit::editingFinished, this, [this, devices] {
        QStringList list;
        for (const QString& d : devices->text().split(u',', Qt::SkipEmptyParts))
            list << d.trimmed();
        m_ctx.settings().setDevices(list);
    });
    auto* devBox = new QWidget(w);
    auto* dl = new QVBoxLayout(devBox);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(devices);
    dl->addWidget(
        hint(tr("Comma-separated: cpu, cuda:0, cuda:1 … List a device twice to run two kernels on it at "
                "once."),
             devBox));
    form->addRow(tr("Devices"), devBox);

    auto* cpu = new QSpinBox(w);
    cpu->setRange(1, 256);
    cpu->setValue(s.cpuConcurrency());
    cpu->setToolTip(tr("How many CPU evaluations may run at the same time"));
    connect(cpu, &QSpinBox::valueChanged, &s, &Settings::setCpuConcurrency);
    form->addRow(tr("Parallel CPU evaluations"), cpu);
    form->addRow(tr("Memory cap"), new MemoryCapRow(s, w));

    QWidget* row = nullptr;
    pathField(
        s.cacheDir(), true, [this](const QString& p) { m_ctx.settings().setCacheDir(p); }, w, &row);
    form->addRow(tr("Compile cache"),
                 withHint(row,
                          hint(tr("Built CUDA extensions and Triton kernels, reused when the same source is "
                                  "evaluated again. Changes apply to the next evaluation."),
                               w),
                          w));
    return w;
}

QWidget* SettingsPanel::gpuSection()
{
    auto* w = new QWidget(this);
    auto* l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    m_gpuMessage = new QLabel(w);
    m_gpuMessage->setWordWrap(true);
    m_gpuMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_gpuTable = new QTableView(w);
    m_gpuTable->setModel(m_gpus);
    m_gpuTable->verticalHeader()->hide();
    m_gpuTable->horizontalHeader()->setSectionResizeMode(GpuListModel::Name, QHeaderView::Stretch);
    m_gpuTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_gpuTable->setMaximumHeight(150);
    m_gpuTable->setAlternatingRowColors(true);
    auto* refresh = new QPushButton(tr("Look again"), w);
    refresh->setToolTip(tr("Query the CUDA driver and the evaluator's torch again (after installing a driver "
                           "or torch, or plugging in a GPU)"));
    connect(refresh, &QPushButton::clicked, m_ctx.devices(), &DeviceInventory::refresh);
    auto* row = new QHBoxLayout;
    row->addWidget(m_gpuMessage, 1);
    row->addWidget(refresh, 0, Qt::AlignTop);
    l->addLayout(row);
    l->addWidget(m_gpuTable);
    return w;
}

void SettingsPanel::updateGpus()
{
    const DeviceInventory* inv = m_ctx.devices();
    if (!inv->ready()) {
        m_gpuMessage->setText(tr("Looking for GPUs…"));
        m_gpuTable->hide();
        return;
    }
    // The same inventory and words as kernelwatch-cli doctor (core/local/GpuInventory).
    m_gpus->setDevices(inv->inventory().devices);
    m_gpuTable->setVisible(!inv->inventory().devices.empty());
    m_gpuMessage->setText(qs(inv->inventory().message()));
}

QString SettingsPanel::gpuMessage() const
{
    return m_gpuMessage->text();
}

QWidget* SettingsPanel::defaultsSection()
{
    Settings& s = m_ctx.settings();
    auto* w = new QWidget(this);
    auto* form = new QFormLayout(w);
    auto* correct = new QSpinBox(w);
    correct->setRange(1, 100);
    correct->setValue(s.correctTrials());
    connect(correct, &QSpinBox::valueChanged, &s, &Settings::setCorrectTrials);
    auto* perf = new QSpinBox(w);
    perf->setRange(1, 10000);
    perf->setValue(s.perfTrials());
    connect(perf, &QSpinBox::valueChanged, &s, &Settings::setPerfTrials);
    perf->setToolTip(tr("An upper bound: trials are added until the relative standard error of the median is "
                        "≤ 0.5 % or the time budget ends; the number that ran is shown with the result."));
    auto* precision = new QComboBox(w);
    precision->addItems({u"fp32"_s, u"fp16"_s, u"bf16"_s});
    precision->setCurrentText(s.precision());
    connect(precision, &QComboBox::currentTextChanged, &s, &Settings::setPrecision);
    auto* timeout = new QSpinBox(w);
    timeout->setRange(5, 3600);
    timeout->setSuffix(tr(" s"));
    timeout->setValue(static_cast<int>(s.timeoutS()));
    connect(timeout, &QSpinBox::valueChanged, &s, [&s](int v) { s.setTimeoutS(v); });
    auto* backend = new QComboBox(w);
    for (const QString& b : {u"cuda"_s, u"triton"_s, u"tilelang"_s, u"cute"_s})
        backend->addItem(b, b);
    backend->setCurrentIndex(std::max(0, backend->findData(s.backend())));
    connect(backend, &QComboBox::currentTextChanged, &s, &Settings::setBackend);
    auto* baselines = new BaselineChooser(w);
    baselines->setBaselines(s.baselines());
    baselines->setCompileMode(s.compileMode());
    connect(baselines, &BaselineChooser::changed, &s, [&s, baselines] {
        s.setBaselines(baselines->baselines());
        s.setCompileMode(baselines->compileMode());
    });
    form->addRow(tr("Correctness trials"), correct);
    form->addRow(tr("Performance trials"), perf);
    form->addRow(tr("Precision"), precision);
    form->addRow(tr("Timeout"), timeout);
    form->addRow(tr("Backend"), backend);
    form->addRow(tr("Baselines"), baselines);
    return w;
}

QWidget* SettingsPanel::storageSection()
{
    Settings& s = m_ctx.settings();
    auto* w = new QWidget(this);
    auto* form = new QFormLayout(w);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    QWidget* row = nullptr;
    pathField(
        s.historyPath(), false, [this](const QString& p) { m_ctx.settings().setHistoryPath(p); }, w, &row);
    QString note =
        tr("Every result is kept here (SQLite). kernelwatch-cli writes to the same file, and its results "
           "appear in Evaluations. A new location applies at the next start.");
    if (m_ctx.historyPath() != s.historyPath() && !m_ctx.historyPath().isEmpty())
        note += tr(" In use now: %1").arg(m_ctx.historyPath());
    form->addRow(tr("History file"), withHint(row, hint(note, w), w));
    return w;
}

QWidget* SettingsPanel::modalSection()
{
    m_modal = new ModalSettingsForm(m_ctx, this);
    // The form has no margins of its own; the other sections' forms have the layout's default ones.
    const int margin = style()->pixelMetric(QStyle::PM_LayoutLeftMargin);
    m_modal->setContentsMargins(margin, margin, margin, margin);
    return m_modal;
}

QWidget* SettingsPanel::appearanceSection()
{
    Settings& s = m_ctx.settings();
    auto* w = new QWidget(this);
    auto* form = new QFormLayout(w);
    auto* theme = new QComboBox(w);
    theme->addItem(tr("Follow the system"), static_cast<int>(Settings::Theme::System));
    theme->addItem(tr("Light"), static_cast<int>(Settings::Theme::Light));
    theme->addItem(tr("Dark"), static_cast<int>(Settings::Theme::Dark));
    theme->setCurrentIndex(std::max(0, theme->findData(static_cast<int>(s.theme()))));
    connect(theme, &QComboBox::currentIndexChanged, this, [this, theme] {
        m_ctx.settings().setTheme(static_cast<Settings::Theme>(theme->currentData().toInt()));
    });
    connect(&s, &Settings::themeChanged, theme, [theme](Settings::Theme t) {
        theme->setCurrentIndex(std::max(0, theme->findData(static_cast<int>(t))));
    });
    form->addRow(tr("Theme"), theme);
    return w;
}

bool SettingsPanel::busy() const
{
    return m_ctx.devices()->busy() || m_python->testing();
}

} // namespace kw::ui
