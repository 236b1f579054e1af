#include "ui/evaluations/DetailsPane.h"
#include "ui/evaluations/ProfileView.h"

#include "core/modal/ModalSecrets.h"
#include "core/model/HistoryStore.h"
#include "ui/base/Format.h"
#include "ui/services/AppContext.h"
#include "ui/widgets/CodeEditor.h"
#include "ui/widgets/ResultCard.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace kw::ui {

DetailsPane::DetailsPane(AppContext& ctx, QWidget* parent)
    : QWidget(parent), m_ctx(ctx), m_header(new QLabel(this)), m_tabs(new QTabWidget(this)),
      m_card(new ResultCard(this)), m_kernel(new CodeEditor(this)), m_reference(new CodeEditor(this)),
      m_log(new QPlainTextEdit(this)), m_json(new QPlainTextEdit(this)),
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
    connect(&m_watcher, &QFutureWatcher<Loaded>::finished, this, &DetailsPane::onLoaded);
    clear(tr("Select an evaluation to see its code, result and log."));
}

DetailsPane::~DetailsPane()
{
    m_watcher.waitForFinished();
}

void DetailsPane::clear(const QString& message)
{
    m_wanted = 0;
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
    m_wanted = rowId;
    if (m_current && rowId > 0 && !m_watcher.isRunning() && m_header->property("rowId").toLongLong() == rowId)
        return;
    if (!m_watcher.isRunning())
        start(rowId);
    // else: onLoaded() sees that a newer row is wanted and starts it
}

void DetailsPane::start(std::int64_t rowId)
{
    auto store = m_ctx.store();
    if (!store) {
        clear(tr("The history store is not open, so details cannot be loaded."));
        return;
    }
    m_header->setText(tr("Loading…"));
    m_watcher.setFuture(QtConcurrent::run([store, rowId] {
        Loaded l;
        l.rowId = rowId;
        try {
            l.result = store->findByRowId(rowId);
        } catch (const std::exception& e) {
            l.error = QString::fromUtf8(e.what());
        }
        return l;
    }));
}

void DetailsPane::onLoaded()
{
    const Loaded l = m_watcher.result();
    if (l.rowId != m_wanted) {
        if (m_wanted > 0)
            start(m_wanted);
        return;
    }
    if (!l.error.isEmpty() || !l.result) {
        clear(l.error.isEmpty() ? tr("This evaluation is no longer in the history store.")
                                : tr("Could not read the evaluation: %1").arg(l.error));
        return;
    }
    const EvalResult& r = *l.result;
    m_current = r;
    m_header->setProperty("rowId", QVariant::fromValue<qint64>(l.rowId));
    m_header->setText(tr("%1  ·  %2  ·  id %3")
                          .arg(QString::fromStdString(r.request.problem), Format::dateTime(r.createdAt),
                               QString::fromStdString(r.id)));
    m_card->showResult(r);
    m_kernel->setText(QString::fromStdString(r.request.kernelCode));
    m_reference->setText(QString::fromStdString(r.request.refCode));
    m_log->setPlainText(r.logTail.empty() ? tr("(no output)") : QString::fromStdString(r.logTail));
    const std::string json = toJson(r, false).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    m_json->setPlainText(
        QString::fromStdString(kw::redactModalSecrets(json, kw::modalSecretsFromEnvironment())));
    m_profile->showResult(r);
    Q_EMIT loaded(l.rowId, r);
}

} // namespace kw::ui
