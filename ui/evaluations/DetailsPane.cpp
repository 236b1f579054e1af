#include "ui/evaluations/DetailsPane.h"
#include "ui/evaluations/ProfileView.h"

#include "ui/base/Format.h"
#include "ui/base/QtStd.h"
#include "ui/evaluations/EvaluationsBridge.h"
#include "ui/services/AppContext.h"
#include "ui/widgets/CodeEditor.h"
#include "ui/widgets/ResultCard.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kw::ui {

DetailsPane::DetailsPane(AppContext& ctx, QWidget* parent)
    : QWidget(parent), m_bridge(new EvaluationsBridge(ctx, this)), m_header(new QLabel(this)),
      m_tabs(new QTabWidget(this)), m_card(new ResultCard(this)), m_kernel(new CodeEditor(this)),
      m_reference(new CodeEditor(this)), m_log(new QPlainTextEdit(this)), m_json(new QPlainTextEdit(this)),
      m_profile(new ProfileView(ctx.settings(), this))
{
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setForegroundRole(QPalette::PlaceholderText);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_card);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_kernel->setReadOnlyViewer(true);
    m_reference->setReadOnlyViewer(true);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (QPlainTextEdit* e : {m_log, m_json}) {
        e->setReadOnly(true);
        e->setFont(mono);
        e->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    m_tabs->addTab(scroll, tr("Result"));
    m_tabs->addTab(m_kernel, tr("Kernel"));
    m_tabs->addTab(m_reference, tr("Reference"));
    m_tabs->addTab(m_log, tr("Log"));
    m_tabs->addTab(m_json, tr("JSON"));
    m_tabs->addTab(m_profile, tr("Profile"));
    m_tabs->setDocumentMode(true);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 4, 0, 0);
    l->setSpacing(4);
    l->addWidget(m_header);
    l->addWidget(m_tabs, 1);
    clear(tr("Select an evaluation to see its code, result and log."));
}

DetailsPane::~DetailsPane() = default;

bool DetailsPane::loading() const
{
    return m_bridge->loading();
}

void DetailsPane::clear(const QString& message)
{
    m_bridge->dropRowLoads();
    m_current.reset();
    m_header->setText(message);
    m_card->showPlaceholder(message);
    m_kernel->setText({});
    m_reference->setText({});
    m_log->clear();
    m_json->clear();
    m_profile->showResult(std::nullopt);
}

void DetailsPane::showRow(std::int64_t rowId)
{
    if (m_current && rowId > 0 && !loading() && m_header->property("rowId").toLongLong() == rowId)
        return;
    start(rowId); // a load still running is not answered: the newest row wins
}

void DetailsPane::start(std::int64_t rowId)
{
    const bool started = m_bridge->loadRow(
        rowId, [this](const EvaluationsBridge::Row& l) { onLoaded(l.rowId, l.result, l.error); });
    if (!started) {
        clear(tr("The history store is not open, so details cannot be loaded."));
        return;
    }
    m_header->setText(tr("Loading…"));
}

void DetailsPane::onLoaded(std::int64_t rowId, const std::optional<EvalResult>& result, const QString& error)
{
    if (!error.isEmpty() || !result) {
        clear(error.isEmpty() ? tr("This evaluation is no longer in the history store.")
                              : tr("Could not read the evaluation: %1").arg(error));
        return;
    }
    const EvalResult& r = *result;
    m_current = r;
    m_header->setProperty("rowId", QVariant::fromValue<qint64>(rowId));
    m_header->setText(
        tr("%1  ·  %2  ·  id %3").arg(qs(r.request.problem), Format::dateTime(r.createdAt), qs(r.id)));
    m_card->showResult(r);
    m_kernel->setText(qs(r.request.kernelCode));
    m_reference->setText(qs(r.request.refCode));
    m_log->setPlainText(r.logTail.empty() ? tr("(no output)") : qs(r.logTail));
    m_json->setPlainText(EvaluationsBridge::redactedJson(r));
    m_profile->showResult(r);
    Q_EMIT loaded(rowId, r);
}

} // namespace kw::ui
