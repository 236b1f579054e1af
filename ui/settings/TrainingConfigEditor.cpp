#include "ui/settings/TrainingConfigEditor.h"

#include "ui/base/Settings.h"
#include "ui/settings/PathField.h"
#include "ui/settings/SettingsBridge.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {

const QString kUseModal = u"use_modal"_s;
const QString kGpu = u"modal_gpu_type"_s;
const QString kTimeout = u"modal_timeout"_s;

// Shows `value` in a combo box, adding it when the list lacks it (a file may say "yes").
void showIn(QComboBox* box, const QString& value)
{
    if (box->isEditable()) {
        box->setCurrentText(value);
        return;
    }
    int i = box->findData(value);
    if (i < 0) {
        box->addItem(value, value);
        i = box->count() - 1;
    }
    box->setCurrentIndex(i);
}

} // namespace

TrainingConfigEditor::TrainingConfigEditor(Settings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings),
      m_path(new PathField(
          settings.trainingYamlPath(),
          PathField::openFile(tr("Training config"), tr("YAML (*.yaml *.yml);;All files (*)")), this)),
      m_status(new QLabel(this)), m_useModal(new QComboBox(this)), m_gpu(new QComboBox(this)),
      m_timeout(new QLineEdit(this)), m_save(new QPushButton(tr("Save"), this)),
      m_reload(new QPushButton(tr("Reload"), this)), m_error(new QLabel(this)),
      m_bridge(new SettingsBridge(this))
{
    m_path->setObjectName(u"trainingPath"_s);
    m_path->edit()->setPlaceholderText(tr("rl_kernelbench.yaml of a kernel_rl checkout"));
    m_status->setObjectName(u"trainingStatus"_s);
    m_status->setWordWrap(true);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_useModal->setObjectName(u"trainingUseModal"_s);
    m_useModal->addItem(tr("(not set)"), QString());
    m_useModal->addItem(tr("true: evaluate on Modal"), u"true"_s);
    m_useModal->addItem(tr("false: evaluate locally"), u"false"_s);
    m_gpu->setObjectName(u"trainingGpu"_s);
    m_gpu->setEditable(true);
    m_gpu->addItem(QString());
    for (const SettingsBridge::ModalGpu& g : SettingsBridge::modalGpus())
        m_gpu->addItem(g.name);
    m_gpu->lineEdit()->setPlaceholderText(tr("(not set)"));
    m_timeout->setObjectName(u"trainingTimeout"_s);
    m_timeout->setPlaceholderText(tr("(not set) seconds, 10 to 86400"));
    m_save->setObjectName(u"trainingSave"_s);
    m_error->setObjectName(u"trainingError"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(u"color: #c0392b;"_s);
    m_error->hide();

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // The status line right below the path, in the same row: a word-wrapped label in a row of its
    // own makes QFormLayout reserve odd heights for it.
    auto* pathBox = new QWidget(this);
    auto* pl = new QVBoxLayout(pathBox);
    pl->setContentsMargins(0, 0, 0, 0);
    m_path->setParent(pathBox);
    m_status->setParent(pathBox);
    pl->addWidget(m_path);
    pl->addWidget(m_status);
    form->addRow(tr("Config file"), pathBox);
    form->addRow(u"use_modal"_s, m_useModal);
    form->addRow(u"modal_gpu_type"_s, m_gpu);
    form->addRow(u"modal_timeout"_s, m_timeout);
    auto* buttons = new QHBoxLayout;
    auto* note =
        new QLabel(tr("Saving changes only these values' bytes; comments and every other key stay as "
                      "they are, and the previous file is kept as FILE.bak. Empty fields are left "
                      "as they are."),
                   this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    buttons->addWidget(note, 1);
    buttons->addWidget(m_reload, 0, Qt::AlignTop);
    buttons->addWidget(m_save, 0, Qt::AlignTop);
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addLayout(form);
    l->addLayout(buttons);
    l->addWidget(m_error);

    connect(m_path, &PathField::committed, this, [this](const QString& p) {
        m_settings.setTrainingYamlPath(p);
        load(p.trimmed());
    });
    connect(m_reload, &QPushButton::clicked, this, [this] { load(m_path->text().trimmed()); });
    connect(m_save, &QPushButton::clicked, this, [this] { save(); });
    connect(m_bridge, &SettingsBridge::trainingSaved, this,
            [this](const SettingsBridge::TrainingSave& r) { onSaved(r.error, r.changed); });
    load(settings.trainingYamlPath());
}

bool TrainingConfigEditor::saving() const
{
    return m_bridge->savingTraining();
}

std::optional<QString> TrainingConfigEditor::currentValue(const QString& key) const
{
    return m_readable ? m_bridge->trainingValue(key) : std::nullopt;
}

QString TrainingConfigEditor::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}
QString TrainingConfigEditor::statusText() const
{
    return m_status->text();
}

void TrainingConfigEditor::showError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void TrainingConfigEditor::load(const QString& path)
{
    m_loadedPath = path;
    m_readable = false;
    if (m_path->text().trimmed() != path)
        m_path->setText(path);
    showError({});
    if (path.isEmpty()) {
        m_status->setText(tr("Choose the training config (rl_kernelbench.yaml) to see and change its Modal "
                             "settings."));
        showValues();
        return;
    }
    const SettingsBridge::TrainingRead read = m_bridge->readTraining(path);
    if (!read.readError.isEmpty()) {
        m_status->clear();
        showError(tr("Cannot read the training config: %1").arg(read.readError));
        showValues();
        return;
    }
    if (!read.yamlError.isEmpty()) {
        m_status->clear();
        showError(tr("%1 is not valid YAML: %2. Fix the file, then Reload.").arg(path, read.yamlError));
        showValues();
        return;
    }
    m_readable = true;
    int set = 0;
    for (const QString& k : {kUseModal, kGpu, kTimeout})
        set += currentValue(k) ? 1 : 0;
    m_status->setText(
        set == 3 ? tr("Current values of %1 (under dataset_builder:).").arg(QFileInfo(path).fileName())
                 : tr("Current values of %1 (under dataset_builder:); %2 of the 3 are not set.")
                       .arg(QFileInfo(path).fileName())
                       .arg(3 - set));
    showValues();
}

void TrainingConfigEditor::showValues()
{
    auto text = [this](const QString& key) { return currentValue(key).value_or(QString()); };
    showIn(m_useModal, text(kUseModal));
    showIn(m_gpu, text(kGpu));
    m_timeout->setText(text(kTimeout));
    for (QWidget* w : std::initializer_list<QWidget*>{m_useModal, m_gpu, m_timeout, m_save, m_reload})
        w->setEnabled(m_readable && !saving());
    m_reload->setEnabled(!m_loadedPath.isEmpty() && !saving());
}

bool TrainingConfigEditor::save()
{
    if (saving())
        return false;
    if (!m_readable) {
        showError(m_loadedPath.isEmpty() ? tr("Choose the training config first.")
                                         : tr("The training config could not be read; fix it, then Reload."));
        return false;
    }
    const QList<std::pair<QString, QString>> edited = {
        {kUseModal, m_useModal->currentData().toString()},
        {kGpu, m_gpu->currentText().trimmed()},
        {kTimeout, m_timeout->text().trimmed()},
    };
    const QStringList errors = m_bridge->stageTrainingChanges(edited);
    if (!errors.isEmpty()) {
        showError(tr("Not saved: %1.").arg(errors.join(u"; "_s)));
        return false;
    }
    showError({});
    if (!m_bridge->trainingChangesStaged()) {
        m_status->setText(
            tr("No change: %1 already has these values.").arg(QFileInfo(m_loadedPath).fileName()));
        return true;
    }
    m_status->setText(tr("Saving…"));
    m_bridge->saveTraining(m_loadedPath);
    showValues();
    return true;
}

void TrainingConfigEditor::onSaved(const QString& error, bool changed)
{
    const QString path = m_loadedPath;
    load(path);
    if (!error.isEmpty()) {
        showError(tr("Not saved (the file is unchanged): %1").arg(error));
        Q_EMIT saved(false);
        return;
    }
    m_status->setText(changed
                          ? tr("Saved %1; the previous version is %1.bak.").arg(QFileInfo(path).fileName())
                          : tr("No change: %1 already has these values.").arg(QFileInfo(path).fileName()));
    Q_EMIT saved(true);
}

} // namespace kw::ui
