#pragma once

#include <QList>
#include <QString>

class QWidget;

namespace kw::ui {

class EditorPane;

// The question asked before something replaces unsaved editor text: Save, Discard or Cancel.
// The dialog's object name is "unsavedPrompt" (tests find it by that name).
class UnsavedPrompt
{
public:
    // True when the caller may go on: nothing was modified, the text was saved, or the user
    // chose Discard. `action` completes "… before you %1?" ("load the sample").
    static bool confirm(QWidget* parent, const QList<EditorPane*>& panes, const QString& action);
};

} // namespace kw::ui
