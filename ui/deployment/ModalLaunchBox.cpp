#include "ui/deployment/ModalLaunchBox.h"

#include "core/base/Paths.h"
#include "core/modal/ModalConfig.h"
#include "core/modal/ModalGpu.h"
#include "ui/base/Settings.h"
#include "ui/deployment/Async.h"
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

using deployment::q;

ModalLaunchBox::ModalLaunchBox(AppContext& ctx, QWidget* parent)
    : QGroupBox(tr("Deploy %1").arg(q(deployment::kAppName)), parent), m_ctx(ctx)
{
    auto* dl = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_gpu = new QComboBox(this);
    m_gpu->setEditable(true);
    for (const ModalGpuInfo& g : modalGpuCatalogue())
        m_gpu->addItem(q(g.name));
    const ModalConfig current = ctx.settings().modalConfig();
    m_gpu->setCurrentText(q(current.gpuType));
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
    m_url = new QLineEdit(q(current.endpoint), this);
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
}

ModalLaunchBox::~ModalLaunchBox()
{
    if (m_deployStop)
        m_deployStop->store(true);
    if (m_serveStop)
        m_serveStop->store(true); // the worker ends `modal serve` (SIGINT, then SIGKILL)
}

QString ModalLaunchBox::stageText() const
{
    return m_stage->text();
}

QString ModalLaunchBox::output() const
{
    return m_output->toPlainText();
}

std::optional<ModalLaunchBox::AppLaunch> ModalLaunchBox::prepareLaunch(const QString& verb)
{
    ModalDeployRequest req;
    req.gpu = m_gpu->currentText().toStdString();
    req.timeoutS = m_timeout->value();
    const ModalLaunchPlan plan = planEvaluatorLaunch(req);
    if (!plan.ok()) {
        m_stage->setText(tr("✗ %1").arg(q(plan.diagnosis.message())));
        return std::nullopt;
    }
    AppLaunch launch;
    launch.request = req;
    launch.request.file = plan.file;
    launch.file = plan.file;
    launch.gpu = plan.gpu;
    launch.timeoutS = req.timeoutS;
    launch.env = plan.env;
    m_output->clear();
    m_output->appendPlainText(QStringLiteral("$ modal %1 %2").arg(verb, q(launch.file)));
    m_stage->setToolTip({});
    m_stage->setText(tr("Starting…"));
    return launch;
}

ModalCli::LineFn ModalLaunchBox::outputSink()
{
    QPointer<QObject> guard(this);
    return [guard, this](std::string_view line, bool) {
        async::post(guard, [this, l = q(std::string(line))] { onOutputLine(l); });
    };
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

void ModalLaunchBox::showFailure(const ModalDiagnosis& d)
{
    m_stage->setText(tr("✗ %1").arg(q(d.message())));
    m_stage->setToolTip(q(d.detail));
}

void ModalLaunchBox::deploy()
{
    if (deploying() || serving())
        return;
    auto launch = prepareLaunch(QStringLiteral("deploy"));
    if (!launch)
        return;
    m_deployStop = std::make_shared<std::atomic<bool>>(false);
    updateButtons();
    auto stop = m_deployStop;
    async::run(
        this,
        [cli = m_ctx.settings().modalCli(), req = launch->request, stop, sink = outputSink()] {
            return deployEvaluator(cli, req, sink, stop.get());
        },
        [this](const ModalDeployOutcome& r) {
            m_deployStop.reset();
            updateButtons();
            if (!r.ok()) {
                showFailure(r.diagnosis);
                return;
            }
            m_endpointUrl = q(r.endpoint);
            if (!r.endpoint.empty()) {
                m_url->setText(m_endpointUrl);
                m_ctx.settings().setModalEndpoint(m_endpointUrl); // Settings › Modal and the Modal target
            }
            m_stage->setText(q(r.summary()));
            Q_EMIT launchEnded();
        });
}

void ModalLaunchBox::cancelDeploy()
{
    if (m_deployStop)
        m_deployStop->store(true);
    m_stage->setText(tr("Cancelling…"));
}

void ModalLaunchBox::serve()
{
    if (deploying() || serving())
        return;
    auto launch = prepareLaunch(QStringLiteral("serve"));
    if (!launch)
        return;
    m_serveStop = std::make_shared<std::atomic<bool>>(false);
    m_serveUrl.clear();
    updateButtons();
    auto stop = m_serveStop;
    async::run(
        this,
        [cli = m_ctx.settings().modalCli(), app = *launch, stop, sink = outputSink()] {
            return cli.serve(app.file, app.env, sink, stop.get());
        },
        [this, stop](ModalCliResult<ModalDeployResult> r) {
            if (m_serveStop == stop)
                m_serveStop.reset();
            m_serveUrl.clear();
            updateButtons();
            if (stop->load())
                m_stage->setText(tr("Dev app stopped"));
            else if (!r.ok())
                showFailure(r.diagnosis);
            else
                m_stage->setText(tr("The dev app ended"));
            Q_EMIT launchEnded();
        });
}

void ModalLaunchBox::stopServing()
{
    if (!m_serveStop)
        return;
    m_serveStop->store(true);
    m_serveButton->setEnabled(false); // until `modal serve` has exited
    m_stage->setText(tr("Stopping the dev app…"));
}

void ModalLaunchBox::onOutputLine(const QString& line)
{
    m_output->appendPlainText(line);
    if (serving() && m_serveUrl.isEmpty()) {
        if (const std::string url = modalEndpointUrl(parseModalDeployOutput(line.toStdString()));
            !url.empty()) {
            m_serveUrl = q(url);
            updateButtons();
            m_stage->setText(tr("Serving (dev): edits to modal_app.py reload it; click Stop serving to end"));
            return;
        }
    }
    switch (modalDeployStageOf(line.toStdString())) {
    case ModalDeployStage::Initializing:
        m_stage->setText(tr("Initializing…"));
        break;
    case ModalDeployStage::BuildingImage:
        m_stage->setText(tr("Building the image…"));
        break;
    case ModalDeployStage::CreatingObjects:
        m_stage->setText(tr("Creating objects…"));
        break;
    case ModalDeployStage::Deployed:
        m_stage->setText(tr("Deployed"));
        break;
    case ModalDeployStage::Failed:
        m_stage->setText(tr("Failing…"));
        break;
    case ModalDeployStage::Unknown:
        break;
    }
}

} // namespace kw::ui
