#include "ui/deployment/ModalLaunchBox.h"

#include "ui/base/Settings.h"
#include "ui/deployment/DeploymentUi.h"
#include "ui/services/AppContext.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kw::ui {

ModalLaunchBox::ModalLaunchBox(AppContext& ctx, DeploymentBridge* bridge, QWidget* parent)
    : QGroupBox(tr("Deploy %1").arg(DeploymentBridge::appName()), parent), m_ctx(ctx), m_bridge(bridge)
{
    auto* dl = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_gpu = new QComboBox(this);
    m_gpu->setEditable(true);
    m_gpu->addItems(DeploymentBridge::gpuNames());
    m_gpu->setCurrentText(m_bridge->configuredGpu());
    m_timeout = new QSpinBox(this);
    m_timeout->setRange(Settings::kMinModalTimeoutS, Settings::kMaxModalTimeoutS);
    m_timeout->setValue(ctx.settings().modalTimeoutS());
    m_timeout->setSuffix(tr(" s"));
    m_deployButton = new QPushButton(tr("Deploy"), this);
    m_deployButton->setObjectName(QStringLiteral("deployButton"));
    connect(m_deployButton, &QPushButton::clicked, this, [this] { deploying() ? cancelDeploy() : deploy(); });
    m_serveButton = new QPushButton(tr("Serve (dev)"), this);
    m_serveButton->setObjectName(QStringLiteral("serveButton"));
    m_serveButton->setToolTip(
        tr("Run the app with `modal serve`: an ephemeral copy with its own endpoint that "
           "reloads when modal_app.py changes, until you click again"));
    connect(m_serveButton, &QPushButton::clicked, this, [this] { serving() ? stopServing() : serve(); });
    m_stage = new QLabel(this);
    deployment::makeWrapping(m_stage);
    row->addWidget(new QLabel(tr("GPU"), this));
    row->addWidget(m_gpu);
    row->addWidget(new QLabel(tr("Timeout"), this));
    row->addWidget(m_timeout);
    row->addWidget(m_deployButton);
    row->addWidget(m_serveButton);
    row->addWidget(m_stage, 1);
    dl->addLayout(row);
    auto* urlRow = new QHBoxLayout;
    m_url = new QLineEdit(m_bridge->configuredEndpoint(), this);
    m_url->setReadOnly(true);
    m_url->setPlaceholderText(tr("The web endpoint URL appears here after a deploy"));
    urlRow->addWidget(new QLabel(tr("Endpoint"), this));
    urlRow->addWidget(m_url, 1);
    dl->addLayout(urlRow);
    m_serveRow = new QWidget(this);
    auto* serveRow = new QHBoxLayout(m_serveRow);
    serveRow->setContentsMargins(0, 0, 0, 0);
    m_serveUrlEdit = new QLineEdit(m_serveRow);
    m_serveUrlEdit->setObjectName(QStringLiteral("serveUrl"));
    m_serveUrlEdit->setReadOnly(true);
    m_serveUrlEdit->setPlaceholderText(tr("The dev app's endpoint URL appears here once it is up"));
    serveRow->addWidget(new QLabel(tr("Dev endpoint"), m_serveRow));
    serveRow->addWidget(m_serveUrlEdit, 1);
    m_serveRow->hide();
    dl->addWidget(m_serveRow);
    m_output = new QPlainTextEdit(this);
    m_output->setReadOnly(true);
    m_output->setMaximumBlockCount(5000);
    m_output->setPlaceholderText(tr("modal deploy output"));
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setMinimumHeight(3 * m_output->fontMetrics().lineSpacing() + 12);
    dl->addWidget(m_output, 1);

    connect(m_bridge, &DeploymentBridge::outputLine, this, &ModalLaunchBox::onOutputLine);
    connect(m_bridge, &DeploymentBridge::deployEnded, this, &ModalLaunchBox::onDeployEnded);
    connect(m_bridge, &DeploymentBridge::serveEnded, this, &ModalLaunchBox::onServeEnded);
}

QString ModalLaunchBox::stageText() const
{
    return m_stage->text();
}

QString ModalLaunchBox::output() const
{
    return m_output->toPlainText();
}

bool ModalLaunchBox::prepareLaunch(const QString& verb)
{
    QString problem;
    const QString file = m_bridge->prepareLaunch(m_gpu->currentText(), m_timeout->value(), &problem);
    if (file.isEmpty()) {
        m_stage->setText(tr("✗ %1").arg(problem));
        return false;
    }
    m_output->clear();
    m_output->appendPlainText(QStringLiteral("$ modal %1 %2").arg(verb, file));
    m_stage->setToolTip({});
    m_stage->setText(tr("Starting…"));
    return true;
}

void ModalLaunchBox::updateButtons()
{
    m_deployButton->setText(deploying() ? tr("Cancel") : tr("Deploy"));
    m_deployButton->setEnabled(!serving());
    m_serveButton->setText(serving() ? tr("Stop serving") : tr("Serve (dev)"));
    m_serveButton->setEnabled(!deploying());
    m_serveRow->setVisible(serving() || !m_serveUrl.isEmpty());
    m_serveUrlEdit->setText(m_serveUrl);
}

void ModalLaunchBox::showFailure(const DeploymentBridge::Problem& p)
{
    m_stage->setText(tr("✗ %1").arg(p.message));
    m_stage->setToolTip(p.detail);
}

void ModalLaunchBox::deploy()
{
    if (deploying() || serving())
        return;
    if (!prepareLaunch(QStringLiteral("deploy")))
        return;
    m_bridge->deploy();
    updateButtons();
}

void ModalLaunchBox::onDeployEnded(const DeploymentBridge::Launch& r)
{
    updateButtons();
    if (!r.ok) {
        showFailure(r.problem);
        return;
    }
    m_endpointUrl = r.endpoint;
    if (!r.endpoint.isEmpty()) {
        m_url->setText(m_endpointUrl);
        m_ctx.settings().setModalEndpoint(m_endpointUrl); // Settings › Modal and the Modal target
    }
    m_stage->setText(r.summary);
    Q_EMIT launchEnded();
}

void ModalLaunchBox::cancelDeploy()
{
    m_bridge->cancelDeploy();
    m_stage->setText(tr("Cancelling…"));
}

void ModalLaunchBox::serve()
{
    if (deploying() || serving())
        return;
    if (!prepareLaunch(QStringLiteral("serve")))
        return;
    m_serveUrl.clear();
    m_bridge->serve();
    updateButtons();
}

void ModalLaunchBox::onServeEnded(const DeploymentBridge::Launch& r)
{
    m_serveUrl.clear();
    updateButtons();
    if (r.stopped)
        m_stage->setText(tr("Dev app stopped"));
    else if (!r.ok)
        showFailure(r.problem);
    else
        m_stage->setText(tr("The dev app ended"));
    Q_EMIT launchEnded();
}

void ModalLaunchBox::stopServing()
{
    if (!serving())
        return;
    m_bridge->stopServing();
    m_serveButton->setEnabled(false); // until `modal serve` has exited
    m_stage->setText(tr("Stopping the dev app…"));
}

void ModalLaunchBox::onOutputLine(const QString& line)
{
    m_output->appendPlainText(line);
    if (serving() && m_serveUrl.isEmpty()) {
        if (const QString url = DeploymentBridge::endpointIn(line); !url.isEmpty()) {
            m_serveUrl = url;
            updateButtons();
            m_stage->setText(tr("Serving (dev): edits to modal_app.py reload it; click Stop serving to end"));
            return;
        }
    }
    if (const QString stage = DeploymentBridge::stageIn(line); !stage.isEmpty())
        m_stage->setText(stage);
}

} // namespace kw::ui
