#include "ui/deployment/ModalLogBox.h"

#include "core/modal/ModalLogFollower.h"
#include "core/model/HistoryStore.h"
#include "ui/base/Settings.h"
#include "ui/deployment/Async.h"
#include "ui/deployment/DeploymentUi.h"
#include "ui/models/AppListModel.h"
#include "ui/models/ContainerListModel.h"
#include "ui/models/HistoryPoller.h"
#include "ui/models/LogFilterModel.h"
#include "ui/models/LogLineModel.h"
#include "ui/services/AppContext.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTableView>
#include <QVBoxLayout>

namespace kw::ui {

using deployment::q;

ModalLogBox::ModalLogBox(AppContext& ctx, QWidget* parent)
    : QGroupBox(tr("Logs of %1").arg(q(deployment::kAppName)), parent), m_ctx(ctx)
{
    auto* lg = new QVBoxLayout(this);
    auto* lr = new QHBoxLayout;
    m_followButton = new QPushButton(tr("Follow"), this);
    m_followButton->setCheckable(true);
    connect(m_followButton, &QPushButton::toggled, this, &ModalLogBox::setFollowing);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search logs"));
    m_search->setClearButtonEnabled(true);
    m_containerFilter = new QComboBox(this);
    m_containerFilter->addItem(tr("All containers"), QString());
    m_containerFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    lr->addWidget(m_followButton);
    lr->addWidget(m_search, 1);
    lr->addWidget(m_containerFilter);
    lg->addLayout(lr);
    m_followStatus =
        new QLabel(tr("Follow reads the app's log stream; each evaluation it reports is kept in the "
                      "history (Evaluations, source modal)."),
                   this);
    m_followStatus->setWordWrap(true);
    m_followStatus->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    lg->addWidget(m_followStatus);
    m_logs = new LogLineModel(5000, this);
    m_logFilter = new LogFilterModel(this);
    m_logFilter->setSourceModel(m_logs);
    m_logView = deployment::makeTable(m_logFilter, this);
    m_logView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_logView->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    lg->addWidget(m_logView);
    connect(m_search, &QLineEdit::textChanged, m_logFilter, &LogFilterModel::setSearch);
    connect(m_containerFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_logFilter->setContainer(m_containerFilter->currentData().toString()); });
}

ModalLogBox::~ModalLogBox()
{
    if (m_follower)
        m_follower->stop();
}

QString ModalLogBox::followStatus() const
{
    return m_followStatus->text();
}

void ModalLogBox::setFollowing(bool on)
{
    if (m_followButton->isChecked() != on) {
        m_followButton->setChecked(on); // re-enters through toggled
        return;
    }
    if (!on) {
        stopFollowing();
        return;
    }
    if (m_follower)
        return;
    // KERNELWATCH_EVAL lines become results in the history store before they are counted here.
    m_followStore = m_ctx.store();
    ModalLogFollower::Options o;
    o.app = deployment::kAppName;
    o.store = m_followStore.get();
    QPointer<QObject> guard(this);
    ModalLogFollower::Callbacks cb;
    cb.onLines = [guard, this](const std::vector<ModalLogLine>& lines) {
        async::post(guard, [this, lines] {
            for (const ModalLogLine& l : lines)
                onLogLine(l);
        });
    };
    cb.onResults = [guard, this](const ModalLogFollower::ResultBatch& b) {
        const int n = int(b.results.size()), added = int(b.newInStore);
        async::post(guard, [this, n, added] {
            m_followResults += n;
            m_followStatus->setText(
                tr("%n evaluation(s) from the logs", nullptr, m_followResults) +
                (m_followStore ? tr(", %n new in the history", nullptr, added) : QString()));
            if (m_ctx.poller())
                m_ctx.poller()->pollNow();
        });
    };
    cb.onStream = [guard, this](const ModalLogFollower::StreamEvent& e) {
        const QString text = e.connected ? tr("Following the log stream…")
                             : e.diagnosis.ok()
                                 ? tr("The log stream ended; reconnecting in %1 s").arg(e.retryInS, 0, 'f', 0)
                                 : tr("✗ Logs: %1 — retrying in %2 s")
                                       .arg(q(e.diagnosis.message()))
                                       .arg(e.retryInS, 0, 'f', 0);
        async::post(guard, [this, text] { m_followStatus->setText(text); });
    };
    cb.onError = [guard, this](const std::string& message) {
        async::post(guard, [this, message] { m_followStatus->setText(tr("✗ %1").arg(q(message))); });
    };
    m_followResults = 0;
    m_follower = std::make_shared<ModalLogFollower>(m_ctx.settings().modalCli(), o, cb);
    m_follower->start();
    m_followButton->setText(tr("Following…"));
}

void ModalLogBox::stopFollowing()
{
    if (!m_follower)
        return;
    // stop() ends the modal process and joins its threads: off the UI thread.
    std::shared_ptr<ModalLogFollower> f = std::move(m_follower);
    std::shared_ptr<HistoryStore> store = std::move(m_followStore); // alive until the follower ends
    async::run(
        this,
        [f, store] {
            f->stop();
            return true;
        },
        [](bool) {});
    m_followButton->setText(tr("Follow"));
    QSignalBlocker block(m_followButton);
    m_followButton->setChecked(false);
}

void ModalLogBox::onLogLine(const ModalLogLine& line)
{
    QScrollBar* bar = m_logView->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    const bool newContainer =
        !line.containerId.empty() && m_containerFilter->findData(q(line.containerId)) < 0;
    m_logs->append(line);
    if (newContainer)
        m_containerFilter->addItem(q(line.containerId), q(line.containerId));
    if (atEnd)
        m_logView->scrollToBottom();
}

} // namespace kw::ui
