#include "ui/submit/EditorDrafts.h"

#include "ui/submit/EditorPane.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
QJsonObject readDrafts(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}
} // namespace

EditorDrafts::EditorDrafts(const QString& file, const QList<EditorPane*>& panes, QObject* parent)
    : QObject(parent), m_file(file), m_panes(panes)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(kDelayMs);
    connect(&m_timer, &QTimer::timeout, this, &EditorDrafts::writeNow);
    for (EditorPane* p : m_panes) {
        connect(p, &EditorPane::textEdited, &m_timer, qOverload<>(&QTimer::start));
        // Saved or replaced: the stored copy may be stale; rewrite it soon.
        connect(p, &EditorPane::modifiedChanged, &m_timer, qOverload<>(&QTimer::start));
    }
}

bool EditorDrafts::writeNow()
{
    m_timer.stop();
    QJsonObject editors;
    for (EditorPane* p : m_panes)
        if (p->isModified())
            editors.insert(p->objectName(), QJsonObject{{u"path"_s, p->path()}, {u"text"_s, p->text()}});
    if (editors.isEmpty())
        return !QFileInfo::exists(m_file) || QFile::remove(m_file);
    QDir().mkpath(QFileInfo(m_file).absolutePath());
    QSaveFile f(m_file);
    const QByteArray bytes =
        QJsonDocument(QJsonObject{{u"saved_at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                                  {u"editors"_s, editors}})
            .toJson(QJsonDocument::Compact);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size() && f.commit();
}

bool EditorDrafts::has(const EditorPane* pane) const
{
    return readDrafts(m_file).value(u"editors"_s).toObject().contains(pane->objectName());
}

QStringList EditorDrafts::restore()
{
    const QJsonObject root = readDrafts(m_file);
    const QJsonObject editors = root.value(u"editors"_s).toObject();
    m_savedAt = QDateTime::fromString(root.value(u"saved_at"_s).toString(), Qt::ISODate);
    QStringList restored;
    for (EditorPane* p : m_panes) {
        const QJsonObject e = editors.value(p->objectName()).toObject();
        if (!e.contains(u"text"_s))
            continue;
        p->restoreUnsaved(e.value(u"text"_s).toString(), e.value(u"path"_s).toString());
        restored << p->displayName();
    }
    m_timer.stop();
    return restored;
}

} // namespace kw::ui
