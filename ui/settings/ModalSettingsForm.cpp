#include "ui/settings/ModalSettingsForm.h"

#include "ui/base/Settings.h"
#include "ui/services/AppContext.h"
#include "ui/services/EvalService.h"
#include "ui/settings/PathField.h"
#include "ui/settings/SettingsBridge.h"
#include "ui/settings/TrainingConfigEditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {

QLabel* note(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

QLabel* warning(const QString& objectName, QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setObjectName(objectName);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setStyleSheet(u"color: #b9770e;"_s);
    l->hide();
    return l;
}

// A field with the notes and warnings that belong to it right below it, as one form row: a
// word-wrapped label in a row of its own makes QFormLayout reserve odd heights for it.
QWidget* stacked(std::initializer_list<QWidget*> widgets, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : widgets) {
        w->setParent(box);
        l->addWidget(w);
    }
    return box;
}

void setIfIdle(QLineEdit* edit, const QString& text)
{
    if (!edit->hasFocus() && edit->text() != text) {
        QSignalBlocker block(edit);
        edit->setText(text);
    }
}

} // namespace

std::optional<int> ModalSettingsForm::deployedTimeoutS()
{
    return SettingsBridge::deployedTimeoutS();
}

ModalSettingsForm::ModalSettingsForm(AppContext& ctx, QWidget* parent)
    : QWidget(parent), m_ctx(ctx), m_endpoint(new QLineEdit(this)), m_gpu(new QComboBox(this)),
      m_gpuError(warning(u"modalGpuError"_s, this)), m_timeout(new QSpinBox(this)),
      m_timeoutWarning(warning(u"modalTimeoutWarning"_s, this)), m_key(new QLineEdit(this)),
      m_secret(new QLineEdit(this)), m_envNote(note(QString(), this)),
      m_cli(new PathField(QString(), PathField::openFile(tr("The modal client"), tr("Programs (*)")), this)),
      m_status(new QLabel(this)), m_training(nullptr)
{
    Settings& s = ctx.settings();
    m_status->setObjectName(u"modalStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_endpoint->setObjectName(u"modalEndpoint"_s);
    m_endpoint->setClearButtonEnabled(true);
    m_gpu->setObjectName(u"modalGpu"_s);
    m_gpu->setEditable(true);
    for (const SettingsBridge::ModalGpu& g : SettingsBridge::modalGpus()) {
        m_gpu->addItem(g.name);
        m_gpu->setItemData(
            m_gpu->count() - 1,
            tr("%1, sm_%2, $%3/s list price").arg(g.arch).arg(g.sm).arg(g.usdPerSecond, 0, 'f', 6),
            Qt::ToolTipRole);
    }
    m_timeout->setObjectName(u"modalTimeout"_s);
    m_timeout->setRange(Settings::kMinModalTimeoutS, Settings::kMaxModalTimeoutS);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(
        tr("How long one evaluation may run on Modal: the evaluator app's function timeout, "
           "applied when it is deployed"));
    m_key->setObjectName(u"modalProxyKey"_s);
    m_key->setPlaceholderText(u"wk-…"_s);
    m_key->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_secret->setObjectName(u"modalProxySecret"_s);
    m_secret->setPlaceholderText(u"ws-…"_s);
    m_secret->setEchoMode(QLineEdit::Password);
    m_envNote->setObjectName(u"modalProxyEnvNote"_s);
    m_cli->setObjectName(u"modalCli"_s);
    m_cli->edit()->setPlaceholderText(tr("modal, found on PATH (or $KERNELWATCH_MODAL_BIN)"));
    refresh();

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Endpoint"),
                 stacked({m_endpoint,
                          note(tr("The evaluator's web endpoint URL. Deploy (Deployment panel) fills it in; "
                                  "empty uses $KERNELWATCH_MODAL_ENDPOINT or the last deploy's URL."),
                               this)},
                         this));
    form->addRow(tr("Default GPU"), stacked({m_gpu, m_gpuError}, this));
    form->addRow(tr("Timeout"), stacked({m_timeout, m_timeoutWarning}, this));
    form->addRow(tr("Proxy auth key"), m_key);
    form->addRow(
        tr("Proxy auth secret"),
        stacked({m_secret,
                 note(tr("The endpoint's proxy auth token (Modal-Key / Modal-Secret), from the Modal "
                         "dashboard › Settings › Proxy Auth Tokens. Both parts or neither."),
                      this),
                 m_envNote},
                this));
    form->addRow(tr("modal client"), m_cli);

    auto* trainingBox = new QGroupBox(tr("Training config"), this);
    auto* tl = new QVBoxLayout(trainingBox);
    m_training = new TrainingConfigEditor(s, trainingBox);
    tl->addWidget(m_training);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(m_status); // the whole width: it is a sentence or two
    l->addLayout(form);
    l->addWidget(trainingBox);

    connect(m_endpoint, &QLineEdit::editingFinished, this,
            [this] { m_ctx.settings().setModalEndpoint(m_endpoint->text()); });
    connect(m_gpu, &QComboBox::currentTextChanged, this, [this](const QString& text) {
        QString error;
        const QString canonical = SettingsBridge::canonicalModalGpu(text.trimmed(), &error);
        m_gpuError->setText(error.isEmpty() ? QString() : tr("⚠ %1").arg(error));
        m_gpuError->setVisible(!error.isEmpty());
        if (error.isEmpty())
            m_ctx.settings().setModalGpuType(canonical);
    });
    connect(m_timeout, &QSpinBox::valueChanged, this, [this](int v) {
        m_ctx.settings().setModalTimeoutS(v);
        updateWarning();
    });
    connect(m_key, &QLineEdit::editingFinished, this,
            [this] { m_ctx.settings().setModalProxyKey(m_key->text()); });
    connect(m_secret, &QLineEdit::editingFinished, this,
            [this] { m_ctx.settings().setModalProxySecret(m_secret->text()); });
    connect(m_cli, &PathField::committed, this,
            [this](const QString& p) { m_ctx.settings().setModalCliPath(p); });
    connect(&s, &Settings::modalConfigChanged, this, &ModalSettingsForm::refresh);
}

void ModalSettingsForm::refresh()
{
    const Settings& s = m_ctx.settings();
    const QString outside = SettingsBridge::outsideEndpoint();
    setIfIdle(m_endpoint, s.modalEndpoint());
    m_endpoint->setPlaceholderText(outside.isEmpty()
                                       ? u"https://WORKSPACE--kernel-rl-evaluator-evaluate-http.modal.run"_s
                                       : tr("%1 (from the environment or the last deploy)").arg(outside));
    const QString gpu = s.modalGpuType().isEmpty() ? SettingsBridge::effectiveModalGpu(s) : s.modalGpuType();
    if (!m_gpu->hasFocus() && m_gpu->currentText() != gpu) {
        QSignalBlocker block(m_gpu);
        m_gpu->setCurrentText(gpu);
    }
    if (!m_timeout->hasFocus() && m_timeout->value() != s.modalTimeoutS()) {
        QSignalBlocker block(m_timeout);
        m_timeout->setValue(s.modalTimeoutS());
    }
    setIfIdle(m_key, s.modalProxyKey());
    setIfIdle(m_secret, s.modalProxySecret());
    setIfIdle(m_cli->edit(), s.modalCliPath());
    const bool fromEnv = Settings::proxyTokenFromEnvironment();
    m_envNote->setText(fromEnv ? tr("KERNELWATCH_PROXY_KEY / KERNELWATCH_PROXY_SECRET are set in this app's "
                                    "environment: they are used instead of the token above.")
                               : QString());
    m_envNote->setVisible(fromEnv);
    updateWarning();
    updateStatus();
}

void ModalSettingsForm::showEvent(QShowEvent* e)
{
    QWidget::showEvent(e);
    refresh();
}

void ModalSettingsForm::updateWarning()
{
    const std::optional<int> deployed = deployedTimeoutS();
    const bool over = deployed && m_timeout->value() > *deployed;
    m_timeoutWarning->setText(
        over ? tr("⚠ The evaluator on Modal was deployed with a %1 s timeout, so evaluations "
                  "stop there: redeploy needed (Deployment › Deploy) for %2 s to apply.")
                   .arg(*deployed)
                   .arg(m_timeout->value())
             : QString());
    m_timeoutWarning->setVisible(over);
}

void ModalSettingsForm::updateStatus()
{
    const EvalService* evals = m_ctx.evals();
    const QString why = evals->unavailableReason(u"modal"_s);
    m_status->setText(why.isEmpty() ? tr("✓ %1").arg(evals->targetDescription(u"modal"_s))
                                    : tr("✗ %1").arg(why));
    m_status->setStyleSheet(why.isEmpty() ? QString() : u"color: #c0392b;"_s);
}

QString ModalSettingsForm::timeoutWarning() const
{
    return m_timeoutWarning->isHidden() ? QString() : m_timeoutWarning->text();
}
QString ModalSettingsForm::gpuError() const
{
    return m_gpuError->isHidden() ? QString() : m_gpuError->text();
}
QString ModalSettingsForm::envNote() const
{
    return m_envNote->isHidden() ? QString() : m_envNote->text();
}
QString ModalSettingsForm::statusText() const
{
    return m_status->text();
}

} // namespace kw::ui
