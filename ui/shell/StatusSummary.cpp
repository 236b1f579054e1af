#include "ui/shell/StatusSummary.h"

#include "core/modal/ModalConfig.h"
#include "ui/base/Format.h"
#include "ui/base/Settings.h"
#include "ui/services/AppContext.h"
#include "ui/services/DeviceInventory.h"
#include "ui/services/EvalService.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
QFrame* separator(QWidget* parent)
{
    auto* f = new QFrame(parent);
    f->setFrameShape(QFrame::VLine);
    f->setFrameShadow(QFrame::Sunken);
    return f;
}
} // namespace

StatusSummary::StatusSummary(AppContext& ctx, QWidget* parent)
    : QWidget(parent), m_ctx(ctx), m_target(new QLabel(this)), m_modal(new QLabel(this)),
      m_queue(new QLabel(this)), m_running(new QLabel(this)), m_finished(new QLabel(this)),
      m_cost(new QLabel(this))
{
    auto* l = new QHBoxLayout(this);
    l->setContentsMargins(0, 0, 6, 0);
    l->setSpacing(10);
    m_target->setToolTip(tr("Where Submit sends evaluations"));
    m_queue->setToolTip(tr("Evaluations waiting for a free device"));
    m_running->setToolTip(tr("Evaluations compiling, checking or timing now"));
    m_finished->setToolTip(tr("Evaluations finished since kernelwatch started"));
    m_cost->setToolTip(tr("Modal cost of this session's evaluations (estimate)"));
    for (QLabel* w : {m_target, m_modal, m_queue, m_running, m_finished, m_cost}) {
        if (w != m_target)
            l->addWidget(separator(this));
        l->addWidget(w);
    }
    connect(ctx.evals(), &EvalService::countsChanged, this, &StatusSummary::update);
    connect(ctx.devices(), &DeviceInventory::changed, this, &StatusSummary::update);
    // The Modal target is rebuilt (and its reason or description set) when its settings change;
    // queued, so that this reads them after AppContext has.
    connect(&ctx.settings(), &Settings::modalConfigChanged, this, &StatusSummary::update,
            Qt::QueuedConnection);
    update();
}

QString StatusSummary::modalText() const
{
    return m_modal->text();
}

void StatusSummary::update()
{
    const EvalService* e = m_ctx.evals();
    QString target = e->targetDescription(u"local"_s);
    if (target.isEmpty())
        target = m_ctx.devices()->ready() ? m_ctx.devices()->summary() : tr("Local: looking for GPUs…");
    m_target->setText(target);
    // Modal: ready with its GPU type, or not set up (the tooltip says what to do).
    const QString reason = e->unavailableReason(u"modal"_s);
    const ModalConfig modal = m_ctx.settings().modalConfig();
    if (reason.isEmpty() && modal.proxyKey.empty() && modal.proxySecret.empty()) {
        // The evaluator's endpoint requires proxy auth: without a token the first submit gets 401.
        m_modal->setText(tr("Modal: proxy token missing"));
        m_modal->setToolTip(
            tr("The endpoint answers 401 without a proxy token. Create one in the Modal "
               "dashboard (Settings › Proxy auth tokens) and enter its key and secret in "
               "Settings › Modal, or set KERNELWATCH_PROXY_KEY and KERNELWATCH_PROXY_SECRET."));
    } else if (reason.isEmpty()) {
        const QString d = e->targetDescription(u"modal"_s);
        m_modal->setText(d.isEmpty() ? tr("Modal: ready") : d.section(u" at "_s, 0, 0) + tr(" ready"));
        m_modal->setToolTip(d);
    } else {
        m_modal->setText(tr("Modal: not set up"));
        m_modal->setToolTip(reason);
    }
    m_queue->setText(tr("Queue: %1").arg(e->queuedCount()));
    m_running->setText(tr("Running: %1").arg(e->runningCount()));
    m_finished->setText(tr("Finished: %1").arg(e->finishedCount()));
    m_cost->setText(tr("Cost: %1").arg(e->costUsd() > 0 ? Format::cost(e->costUsd()) : u"$0.00"_s));
}

} // namespace kw::ui
