#include "app/StatusSummary.h"

#include "app/AppContext.h"
#include "app/DeviceInventory.h"
#include "app/EvalService.h"
#include "app/Format.h"

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
    : QWidget(parent)
    , m_ctx(ctx)
    , m_target(new QLabel(this))
    , m_queue(new QLabel(this))
    , m_running(new QLabel(this))
    , m_finished(new QLabel(this))
    , m_cost(new QLabel(this))
{
    auto* l = new QHBoxLayout(this);
    l->setContentsMargins(0, 0, 6, 0);
    l->setSpacing(10);
    m_target->setToolTip(tr("Where Submit sends evaluations"));
    m_queue->setToolTip(tr("Evaluations waiting for a free device"));
    m_running->setToolTip(tr("Evaluations compiling, checking or timing now"));
    m_finished->setToolTip(tr("Evaluations finished since kernelwatch started"));
    m_cost->setToolTip(tr("Modal cost of this session's evaluations (estimate)"));
    for (QLabel* w : {m_target, m_queue, m_running, m_finished, m_cost}) {
        if (w != m_target)
            l->addWidget(separator(this));
        l->addWidget(w);
    }
    connect(ctx.evals(), &EvalService::countsChanged, this, &StatusSummary::update);
    connect(ctx.devices(), &DeviceInventory::changed, this, &StatusSummary::update);
    update();
}

void StatusSummary::update()
{
    const EvalService* e = m_ctx.evals();
    QString target = e->targetDescription(u"local"_s);
    if (target.isEmpty())
        target = m_ctx.devices()->ready() ? m_ctx.devices()->summary() : tr("Local: looking for GPUs…");
    m_target->setText(target);
    m_queue->setText(tr("Queue: %1").arg(e->queuedCount()));
    m_running->setText(tr("Running: %1").arg(e->runningCount()));
    m_finished->setText(tr("Finished: %1").arg(e->finishedCount()));
    m_cost->setText(tr("Cost: %1").arg(e->costUsd() > 0 ? Format::cost(e->costUsd()) : u"$0.00"_s));
}

} // namespace kw::ui
