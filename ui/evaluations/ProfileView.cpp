#include "ui/evaluations/ProfileView.h"

#include "core/profile/NcuFinder.h"
#include "ui/base/Settings.h"
#include "ui/evaluations/ProfileTableModel.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace kw::ui {

using profile::ProfileError;
using profile::ProfileReport;

ProfileView::ProfileView(Settings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_message(new QLabel(this)),
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
    connect(&m_watcher, &QFutureWatcher<ProfileReport>::finished, this, &ProfileView::onFinished);
    showResult(std::nullopt);
}

ProfileView::~ProfileView()
{
    m_watcher.waitForFinished();
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

profile::ProfileOptions ProfileView::options() const
{
    profile::ProfileOptions o;
    o.ncu = m_settings.ncuPath().toStdString();
    o.python = m_settings.pythonPath().toStdString();
    o.cacheDir = m_settings.cacheDir().toStdString();
    if (m_result) {
        o.outDir = m_store.dirFor(m_result->id);
        if (m_result->device.target.rfind("cuda", 0) == 0)
            o.device = m_result->device.target;
    }
    return o;
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
    if (const std::string why = profile::profileRefusal(*m_result); !why.empty()) {
        setMessage(QString::fromStdString(why), true);
        return;
    }
    const profile::NcuLocation ncu =
        profile::findNcu(m_settings.ncuPath().toStdString(), childenv::current());
    m_ncuPath = QString::fromStdString(ncu.path);
    if (auto stored = m_store.load(m_result->id)) {
        showReport(*stored);
    } else {
        setMessage(
            tr("Not profiled yet. Profile runs the candidate under Nsight Compute on %1 and shows, per "
               "CUDA kernel, its duration, memory and compute throughput, occupancy and limiter.")
                .arg(QString::fromStdString(options().device)),
            false);
    }
    if (ncu.path.empty()) {
        setMessage(QString::fromStdString(ncu.message()), true);
        return;
    }
    m_profileButton->setEnabled(!running());
}

void ProfileView::startProfile()
{
    if (!m_result || running())
        return;
    const profile::ProfileOptions o = options();
    if (o.outDir.empty()) {
        setMessage(tr("This result's id cannot name a profile folder."), true);
        return;
    }
    const EvalRequest request = [&] {
        EvalRequest r = m_result->request;
        r.id = m_result->id;
        return r;
    }();
    m_profileButton->setEnabled(false);
    setMessage(tr("Profiling on %1 under Nsight Compute… (ncu replays each kernel once per metric pass)")
                   .arg(QString::fromStdString(o.device)),
               false);
    m_watcher.setFuture(QtConcurrent::run([request, o] {
        ProfileReport r = profile::runProfile(request, o);
        profile::ProfileStore::saveIn(o.outDir, r);
        return r;
    }));
}

void ProfileView::onFinished()
{
    const ProfileReport r = m_watcher.result();
    if (m_result && m_result->id == r.resultId)
        showReport(r);
    if (m_result && !m_ncuPath.isEmpty())
        m_profileButton->setEnabled(profile::profileRefusal(*m_result).empty());
    Q_EMIT profileFinished(r.ok());
}

void ProfileView::showReport(const ProfileReport& r)
{
    m_model->setKernels(r.kernels());
    m_reportPath = QString::fromStdString(r.reportPath);
    m_openButton->setEnabled(r.ok() && QFileInfo::exists(m_reportPath));
    if (!r.ok()) {
        QString what;
        switch (r.error) {
        case ProfileError::CountersNotPermitted:
            what = tr("Performance counters are not permitted.");
            break;
        case ProfileError::NcuMissing:
            what = tr("Nsight Compute is not available.");
            break;
        case ProfileError::NoGpu:
            what = tr("No GPU.");
            break;
        case ProfileError::Timeout:
            what = tr("The profile timed out.");
            break;
        default:
            what = tr("The profile failed.");
            break;
        }
        QString why = QString::fromStdString(r.errorMessage);
        if (!why.isEmpty())
            why[0] = why[0].toUpper();
        setMessage(what + u' ' + why, true);
        m_log->setPlainText(QString::fromStdString(r.log));
        m_log->setVisible(!r.log.empty());
        return;
    }
    const int n = int(r.kernels().size());
    setMessage(
        (n == 1 ? tr("1 CUDA kernel profiled") : tr("%1 CUDA kernels profiled").arg(n)) +
            tr(" on %1 with Nsight Compute %2 in %3 s. Memory and compute are % of the GPU's peak; hover a "
               "limiter for what it means. Report: %4")
                .arg(QString::fromStdString(r.device), QString::fromStdString(r.ncuVersion),
                     QString::number(r.wallS, 'f', 1), m_reportPath),
        false);
}

void ProfileView::openReport()
{
    if (m_reportPath.isEmpty())
        return;
    const std::string ui = profile::findNcuUi(m_ncuPath.toStdString(), childenv::current());
    if (ui.empty() || !QProcess::startDetached(QString::fromStdString(ui), {m_reportPath})) {
        setMessage(tr("Nsight Compute's GUI (ncu-ui) was not found here. Open the report on a machine that "
                      "has it: %1")
                       .arg(m_reportPath),
                   false);
        m_openButton->setEnabled(false);
    }
}

} // namespace kw::ui
