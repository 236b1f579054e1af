#include "ui/evaluations/ProfileView.h"

#include "ui/base/QtStd.h"
#include "ui/evaluations/ProfileBridge.h"
#include "ui/models/ProfileTableModel.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace kw::ui {

ProfileView::ProfileView(Settings& settings, QWidget* parent)
    : QWidget(parent), m_bridge(new ProfileBridge(settings, this)), m_message(new QLabel(this)),
      m_profileButton(new QPushButton(tr("Profile"), this)),
      m_openButton(new QPushButton(tr("Open in Nsight Compute"), this)), m_table(new QTableView(this)),
      m_model(new ProfileTableModel(this)), m_log(new QPlainTextEdit(this))
{
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_profileButton->setToolTip(tr("Run the candidate once more under Nsight Compute (ncu) on its GPU: two "
                                   "warm-up calls, then the profiled calls. Takes seconds to minutes: ncu "
                                   "replays every kernel once per metric pass."));
    m_openButton->setToolTip(tr("Open the raw report in Nsight Compute's GUI (ncu-ui)"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(false);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ProfileTableModel::Kernel, QHeaderView::Stretch);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setWordWrap(false);
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setMaximumHeight(160);
    m_log->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_profileButton);
    buttons->addWidget(m_openButton);
    buttons->addStretch(1);
    auto* l = new QVBoxLayout(this);
    l->addLayout(buttons);
    l->addWidget(m_message);
    l->addWidget(m_table, 1);
    l->addWidget(m_log);
    connect(m_profileButton, &QPushButton::clicked, this, &ProfileView::startProfile);
    connect(m_openButton, &QPushButton::clicked, this, &ProfileView::openReport);
    showResult(std::nullopt);
}

ProfileView::~ProfileView() = default;

bool ProfileView::running() const
{
    return m_bridge->running();
}

QString ProfileView::message() const
{
    return m_message->text();
}

void ProfileView::setMessage(const QString& text, bool problem)
{
    m_message->setText(text);
    m_message->setStyleSheet(problem ? QStringLiteral("font-weight: bold;") : QString());
}

void ProfileView::showResult(const std::optional<EvalResult>& result)
{
    m_result = result;
    m_model->setKernels({});
    m_log->clear();
    m_log->hide();
    m_reportPath.clear();
    m_openButton->setEnabled(false);
    m_profileButton->setEnabled(false);
    if (!m_result) {
        setMessage(tr("Select an evaluation to profile its kernel."), false);
        return;
    }
    if (const QString why = ProfileBridge::refusal(*m_result); !why.isEmpty()) {
        setMessage(why, true);
        return;
    }
    const ProfileBridge::Ncu ncu = m_bridge->findNcu();
    m_ncuPath = ncu.path;
    if (auto stored = m_bridge->stored(*m_result)) {
        showReport(*stored);
    } else {
        setMessage(
            tr("Not profiled yet. Profile runs the candidate under Nsight Compute on %1 and shows, per "
               "CUDA kernel, its duration, memory and compute throughput, occupancy and limiter.")
                .arg(m_bridge->deviceFor(m_result)),
            false);
    }
    if (ncu.path.isEmpty()) {
        setMessage(ncu.message, true);
        return;
    }
    m_profileButton->setEnabled(!running());
}

void ProfileView::startProfile()
{
    if (!m_result || running())
        return;
    if (!m_bridge->canStore(*m_result)) {
        setMessage(tr("This result's id cannot name a profile folder."), true);
        return;
    }
    m_profileButton->setEnabled(false);
    setMessage(tr("Profiling on %1 under Nsight Compute… (ncu replays each kernel once per metric pass)")
                   .arg(m_bridge->deviceFor(m_result)),
               false);
    m_bridge->start(*m_result, [this](const ProfileSummary& r) { onFinished(r); });
}

void ProfileView::onFinished(const ProfileSummary& r)
{
    if (m_result && qs(m_result->id) == r.resultId)
        showReport(r);
    if (m_result && !m_ncuPath.isEmpty())
        m_profileButton->setEnabled(ProfileBridge::refusal(*m_result).isEmpty());
    Q_EMIT profileFinished(r.ok);
}

void ProfileView::showReport(const ProfileSummary& r)
{
    m_model->setKernels(r.kernels);
    m_reportPath = r.reportPath;
    m_openButton->setEnabled(r.ok && QFileInfo::exists(m_reportPath));
    if (!r.ok) {
        setMessage(r.failure, true);
        m_log->setPlainText(r.log);
        m_log->setVisible(!r.log.isEmpty());
        return;
    }
    const int n = int(r.kernels.size());
    setMessage(
        (n == 1 ? tr("1 CUDA kernel profiled") : tr("%1 CUDA kernels profiled").arg(n)) +
            tr(" on %1 with Nsight Compute %2 in %3 s. Memory and compute are % of the GPU's peak; hover a "
               "limiter for what it means. Report: %4")
                .arg(r.device, r.ncuVersion, QString::number(r.wallS, 'f', 1), m_reportPath),
        false);
}

void ProfileView::openReport()
{
    if (m_reportPath.isEmpty())
        return;
    const QString ui = ProfileBridge::findNcuUi(m_ncuPath);
    if (ui.isEmpty() || !QProcess::startDetached(ui, {m_reportPath})) {
        setMessage(tr("Nsight Compute's GUI (ncu-ui) was not found here. Open the report on a machine that "
                      "has it: %1")
                       .arg(m_reportPath),
                   false);
        m_openButton->setEnabled(false);
    }
}

} // namespace kw::ui
