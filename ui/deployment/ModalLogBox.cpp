#include "ui/deployment/ModalLogBox.h"

#include "ui/base/Format.h"
#include "ui/deployment/DeploymentBridge.h"
#include "ui/deployment/DeploymentUi.h"
#include "ui/models/LogFilterModel.h"
#include "ui/models/LogLineModel.h"

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

ModalLogBox::ModalLogBox(DeploymentBridge* bridge, QWidget* parent)
    : QGroupBox(tr("Logs of %1").arg(DeploymentBridge::appName()), parent), m_bridge(bridge)
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

    m_bridge->setLogModel(m_logs);
    connect(m_bridge, &DeploymentBridge::logLinesComing, this, [this] {
        QScrollBar* bar = m_logView->verticalScrollBar();
        m_atEnd = bar->value() == bar->maximum();
    });
    connect(m_bridge, &DeploymentBridge::logLinesAdded, this, &ModalLogBox::onLinesAdded);
    connect(m_bridge, &DeploymentBridge::logResults, this, [this](int found, int newInStore) {
        m_followResults += found;
        m_followStatus->setText(
            tr("%1 from the logs").arg(Format::count(m_followResults, tr("evaluation"), tr("evaluations"))) +
            (newInStore >= 0 ? tr(", %1 new in the history").arg(newInStore) : QString()));
    });
    connect(m_bridge, &DeploymentBridge::logStream, this, [this](const DeploymentBridge::StreamState& e) {
        m_followStatus->setText(
            e.connected ? tr("Following the log stream…")
            : e.ok      ? tr("The log stream ended; reconnecting in %1 s").arg(e.retryInS, 0, 'f', 0)
                        : tr("✗ Logs: %1 — retrying in %2 s").arg(e.problem).arg(e.retryInS, 0, 'f', 0));
    });
    connect(m_bridge, &DeploymentBridge::logError, this,
            [this](const QString& message) { m_followStatus->setText(tr("✗ %1").arg(message)); });
}

bool ModalLogBox::following() const
{
    return m_bridge->following();
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
    if (following())
        return;
    m_followResults = 0;
    m_bridge->follow();
    m_followButton->setText(tr("Following…"));
}

void ModalLogBox::stopFollowing()
{
    if (!following())
        return;
    m_bridge->stopFollowing();
    m_followButton->setText(tr("Follow"));
    QSignalBlocker block(m_followButton);
    m_followButton->setChecked(false);
}

void ModalLogBox::onLinesAdded(const QStringList& containerIds)
{
    for (const QString& id : containerIds)
        if (m_containerFilter->findData(id) < 0)
            m_containerFilter->addItem(id, id);
    if (m_atEnd)
        m_logView->scrollToBottom();
}

} // namespace kw::ui
