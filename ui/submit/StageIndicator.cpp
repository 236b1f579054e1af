#include "ui/submit/StageIndicator.h"

#include "ui/base/Format.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kw::ui {

StageIndicator::StageIndicator(QWidget* parent)
    : QWidget(parent), m_elapsed(new QLabel(this)), m_detail(new QLabel(this))
{
    const QString names[] = {tr("Queued"), tr("Compiling"), tr("Checking"), tr("Timing")};
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        m_steps[i] = new QLabel(names[i], this);
        m_steps[i]->setAlignment(Qt::AlignCenter);
        m_steps[i]->setMinimumWidth(70);
        row->addWidget(m_steps[i]);
        if (i + 1 < m_steps.size()) {
            auto* arrow = new QLabel(u"›"_s, this);
            arrow->setForegroundRole(QPalette::PlaceholderText);
            row->addWidget(arrow);
        }
    }
    row->addStretch(1);
    QFont f = m_elapsed->font();
    f.setBold(true);
    m_elapsed->setFont(f);
    row->addWidget(m_elapsed);
    m_detail->setForegroundRole(QPalette::PlaceholderText);
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(2);
    l->addLayout(row);
    l->addWidget(m_detail);
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &StageIndicator::refresh);
    reset();
}

void StageIndicator::start()
{
    m_clock.start();
    m_fixedElapsed = -1;
    m_running = true;
    m_started = true;
    m_stage = EvalStage::Queued;
    m_detail->setText(tr("Waiting for a free device…"));
    m_tick.start();
    refresh();
}

void StageIndicator::setStage(EvalStage stage, const QString& detail)
{
    m_stage = stage;
    if (!detail.isEmpty())
        m_detail->setText(detail);
    else if (stage == EvalStage::Compiling)
        m_detail->setText(tr("Building or importing the kernel…"));
    else if (stage == EvalStage::Checking)
        m_detail->setText(tr("Comparing outputs with the reference…"));
    else if (stage == EvalStage::Timing)
        m_detail->setText(tr("Timing kernel and baseline…"));
    refresh();
}

void StageIndicator::finish(const QString& verdict, double elapsedS)
{
    m_fixedElapsed = elapsedS;
    m_running = false;
    m_tick.stop();
    m_stage = EvalStage::Done;
    m_detail->setText(verdict);
    refresh();
}

void StageIndicator::reset()
{
    m_running = false;
    m_started = false;
    m_tick.stop();
    m_stage = EvalStage::Queued;
    m_detail->setText(tr("Not started. Press Submit (Ctrl+Return) to evaluate the kernel."));
    refresh();
}

void StageIndicator::refresh()
{
    const int current = m_stage == EvalStage::Done ? 4 : static_cast<int>(m_stage);
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        const int idx = static_cast<int>(i);
        QString style;
        if (m_started && idx == current && m_running)
            style = u"QLabel { background: palette(highlight); color: palette(highlighted-text); "
                    u"border-radius: 9px;"
                    " padding: 2px 8px; font-weight: 600; }"_s;
        else if (m_started && idx < current)
            style = u"QLabel { background: palette(midlight); border-radius: 9px; padding: 2px 8px; }"_s;
        else
            style = u"QLabel { color: palette(mid); border: 1px solid palette(midlight); border-radius: 9px;"
                    " padding: 1px 7px; }"_s;
        m_steps[i]->setStyleSheet(style);
    }
    const double elapsed =
        m_fixedElapsed >= 0 ? m_fixedElapsed : static_cast<double>(m_clock.elapsed()) / 1000.0;
    m_elapsed->setText(m_started ? Format::seconds(elapsed) : QString());
}

} // namespace kw::ui
