#include "ui/widgets/EmptyViewHint.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QLabel>
#include <QTimer>

namespace kw::ui {

EmptyViewHint* EmptyViewHint::install(QAbstractItemView* view, TextFn text)
{
    return new EmptyViewHint(view, std::move(text));
}

EmptyViewHint::EmptyViewHint(QAbstractItemView* view, TextFn text)
    : QObject(view), m_view(view), m_viewport(view->viewport()), m_label(new QLabel(m_viewport)),
      m_text(std::move(text))
{
    m_label->setObjectName(QStringLiteral("emptyViewHint"));
    m_label->setAlignment(Qt::AlignCenter);
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::PlainText);
    m_label->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_label->setForegroundRole(QPalette::PlaceholderText);
    m_label->setContentsMargins(24, 12, 24, 12);
    m_label->hide();
    m_viewport->installEventFilter(this);
    refresh();
}

void EmptyViewHint::watch(QAbstractItemModel* model)
{
    if (model == m_model)
        return;
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (!model)
        return;
    // Queued: a reset or insert is over (and filters have settled) when the hint reads the rows.
    auto later = [this] { QTimer::singleShot(0, this, &EmptyViewHint::refresh); };
    connect(model, &QAbstractItemModel::rowsInserted, this, later);
    connect(model, &QAbstractItemModel::rowsRemoved, this, later);
    connect(model, &QAbstractItemModel::modelReset, this, later);
    connect(model, &QAbstractItemModel::layoutChanged, this, later);
}

void EmptyViewHint::refresh()
{
    watch(m_view->model());
    const bool empty = !m_view->model() || m_view->model()->rowCount() == 0;
    const QString text = empty && m_text ? m_text() : QString();
    m_label->setText(text);
    m_label->setGeometry(m_viewport->rect());
    m_label->setVisible(!text.isEmpty());
}

QString EmptyViewHint::shownText() const
{
    return m_label->isHidden() ? QString() : m_label->text(); // shown once the view is
}

bool EmptyViewHint::eventFilter(QObject* watched, QEvent* event)
{
    // Resize and Show come only while the view is whole (not from its destructor).
    if (watched == m_viewport && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        refresh();
    return QObject::eventFilter(watched, event);
}

} // namespace kw::ui
