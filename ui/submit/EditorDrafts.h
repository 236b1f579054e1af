#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

namespace kw::ui {

class EditorPane;

// Keeps the unsaved text of the editors in one JSON file so that a restart or a crash loses
// nothing: written a few seconds after the last edit and on quit, removed once no editor has
// unsaved changes. Each pane is stored under its object name ("reference", "kernel").
class EditorDrafts : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDelayMs = 2000;

    EditorDrafts(const QString& file, const QList<EditorPane*>& panes, QObject* parent = nullptr);

    QString file() const { return m_file; }
    // Writes the modified panes now (or removes the file when none is modified).
    bool writeNow();
    // Puts the stored text back into the panes it belongs to; returns the names of the panes
    // restored (EditorPane::displayName) and sets savedAt() to when the text was written.
    QStringList restore();
    // True when a draft for this pane's object name is stored.
    bool has(const EditorPane* pane) const;
    QDateTime savedAt() const { return m_savedAt; }
    bool pending() const { return m_timer.isActive(); }

private:
    QString m_file;
    QList<EditorPane*> m_panes;
    QTimer m_timer;
    QDateTime m_savedAt;
};

} // namespace kw::ui
