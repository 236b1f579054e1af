#include "ui/submit/UnsavedPrompt.h"

#include "ui/submit/EditorPane.h"

#include <QCoreApplication>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace kw::ui {

bool UnsavedPrompt::confirm(QWidget* parent, const QList<EditorPane*>& panes, const QString& action)
{
    QList<EditorPane*> modified;
    for (EditorPane* p : panes)
        if (p && p->isModified())
            modified << p;
    if (modified.isEmpty())
        return true;
    QStringList names;
    for (EditorPane* p : modified)
        names << p->displayName();
    const auto tr = [](const char* s) { return QCoreApplication::translate("UnsavedPrompt", s); };
    QMessageBox box(
        QMessageBox::Warning, tr("Unsaved changes"),
        tr("%1 has unsaved changes. Save before you %2?").arg(QLocale().createSeparatedList(names), action),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    if (modified.size() > 1)
        box.setText(tr("%1 have unsaved changes. Save before you %2?")
                        .arg(QLocale().createSeparatedList(names), action));
    box.setObjectName(u"unsavedPrompt"_s);
    box.setInformativeText(tr("Discard throws the edits away; Cancel keeps them and does nothing."));
    box.setDefaultButton(QMessageBox::Save);
    box.setEscapeButton(QMessageBox::Cancel);
    switch (box.exec()) {
    case QMessageBox::Save:
        for (EditorPane* p : modified)
            if (!p->save())
                return false;
        return true;
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

} // namespace kw::ui
