#pragma once

#include "ui/base/Job.h"

#include <QWidget>

class QLabel;
class QToolButton;

namespace kw::ui {

class CodeEditor;

// A titled code editor that loads files (Open…, drag and drop) off the UI thread and saves
// them (Save, Save As…: Ctrl+S, Ctrl+Shift+S while the editor has focus). The header shows the
// file name with " •" while the text has unsaved changes. Opening or dropping a file over
// unsaved text asks first (UnsavedPrompt).
class EditorPane : public QWidget
{
    Q_OBJECT
public:
    EditorPane(const QString& title, const QString& placeholder, QWidget* parent = nullptr);
    ~EditorPane() override;

    CodeEditor* editor() const { return m_editor; }
    QString title() const;
    QString text() const;
    QString path() const { return m_path; }
    // Replaces the text; the pane is unmodified afterwards.
    void setText(const QString& text, const QString& path = {});
    // Puts back text that was never saved (after a restart): the pane is modified afterwards.
    void restoreUnsaved(const QString& text, const QString& path);
    void loadFile(const QString& path); // async: fileLoaded or loadFailed follows
    void openDialog();
    bool loading() const { return m_loading.busy(); }

    bool isModified() const;
    // A name for prompts and the header: the file name, or the title when there is no file.
    QString displayName() const;
    // Save writes to path() (Save As… for a built-in sample or a text without a file).
    // Both return false when nothing was written (cancelled or failed; saveFailed says why).
    bool save();
    bool saveAs();
    bool saveTo(const QString& path);
    // The header's full text (file name and " •" when modified); the label shows it elided in
    // the middle when the pane is narrow, with the whole of it in the tooltip.
    QString headerText() const;
    QString shownHeaderText() const;
    QString headerToolTip() const;

    // The compiler's first error (a result's metadata.compile_error_line, 1-based, mapped to the
    // kernel's lines): a marker in the margin, a squiggle under the line, the message under it,
    // and the line scrolled into view. Cleared by any edit, by setText and by clearErrorMark().
    void markErrorLine(int line, int column, const QString& message);
    void clearErrorMark();
    int errorLine() const { return m_errorLine; } // 0: none
    static constexpr int kErrorMarker = 8;
    static constexpr int kErrorIndicator = 8;

Q_SIGNALS:
    void fileLoaded(const QString& path);
    void loadFailed(const QString& message);
    void saved(const QString& path);
    void saveFailed(const QString& message);
    void modifiedChanged(bool modified);
    void textEdited();

private:
    struct Loaded
    {
        QString path, text, error;
    };
    void onLoaded(const Loaded& l);
    void updatePathLabel();
    void elideHeader();
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    static constexpr int kCompactBelowPx = 360;

    QLabel* m_title;
    QLabel* m_pathLabel;
    QToolButton* m_open;
    QToolButton* m_save;
    CodeEditor* m_editor;
    QString m_path;
    QString m_placeholder;
    Job<Loaded> m_loading{this};
    bool m_settingText = false;
    QString m_header; // full header text (the label may show it elided)
    int m_errorLine = 0;
};

} // namespace kw::ui
