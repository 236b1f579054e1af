#pragma once

#include "ui/widgets/Qsci.h"

class QsciLexerPython;

namespace kw::ui {

// A Python editor (QScintilla): highlighting that keeps CUDA source inside strings readable,
// line numbers, 4-space indentation, colours following the light or dark palette. Files
// dropped on it are reported with fileDropped() so the owner can load them off the UI thread.
class CodeEditor : public QsciScintilla
{
    Q_OBJECT
public:
    explicit CodeEditor(QWidget* parent = nullptr);
    void setReadOnlyViewer(bool viewer); // no caret line, read-only
    void applyTheme();

Q_SIGNALS:
    void fileDropped(const QString& path);

protected:
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void updateMarginWidth();
    QsciLexerPython* m_lexer;
    bool m_applying = false;
};

} // namespace kw::ui
