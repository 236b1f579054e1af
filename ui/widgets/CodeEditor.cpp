#include "ui/widgets/CodeEditor.h"

#include "ui/base/Theme.h"

#include <QDragEnterEvent>
#include <QFontDatabase>
#include <QMimeData>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
QString droppedFile(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl& u : mime->urls())
        if (u.isLocalFile())
            return u.toLocalFile();
    return {};
}
} // namespace

CodeEditor::CodeEditor(QWidget* parent) : QsciScintilla(parent), m_lexer(new QsciLexerPython(this))
{
    setUtf8(true);
    setLexer(m_lexer);
    setIndentationsUseTabs(false);
    setTabWidth(4);
    setIndentationWidth(4);
    setAutoIndent(true);
    setIndentationGuides(true);
    setBraceMatching(QsciScintilla::SloppyBraceMatch);
    setMarginType(0, QsciScintilla::NumberMargin);
    setMarginLineNumbers(0, true);
    setMarginWidth(1, 0);
    setFolding(QsciScintilla::NoFoldStyle);
    setWrapMode(QsciScintilla::WrapNone);
    setCaretLineVisible(true);
    setEolMode(QsciScintilla::EolUnix);
    setScrollWidthTracking(true);
    setScrollWidth(200);
    SendScintilla(SCI_SETHSCROLLBAR, 1);
    setAcceptDrops(true);
    connect(this, &QsciScintilla::linesChanged, this, &CodeEditor::updateMarginWidth);
    applyTheme();
    updateMarginWidth();
}

void CodeEditor::updateMarginWidth()
{
    const int digits = QString::number(std::max(lines(), 1)).size();
    setMarginWidth(0, QString(std::max(digits, 3) + 1, u'9'));
}

void CodeEditor::setReadOnlyViewer(bool viewer)
{
    setReadOnly(viewer);
    setCaretLineVisible(!viewer);
}

void CodeEditor::applyTheme()
{
    if (m_applying)
        return;
    m_applying = true;
    const bool dark = Theme::isDark();
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(std::max(9.5, mono.pointSizeF()));

    const QColor bg = dark ? QColor(0x1b, 0x1d, 0x21) : QColor(0xff, 0xff, 0xff);
    const QColor fg = dark ? QColor(0xdc, 0xdf, 0xe4) : QColor(0x24, 0x29, 0x2e);
    m_lexer->setDefaultPaper(bg);
    m_lexer->setDefaultColor(fg);
    m_lexer->setDefaultFont(mono);
    m_lexer->setFont(mono, -1);
    m_lexer->setPaper(bg, -1);
    m_lexer->setColor(fg, -1);

    struct Style
    {
        int id;
        QColor light, dark;
        bool bold = false, italic = false;
    };
    const QColor strLight(0x0a, 0x6e, 0x3a), strDark(0x98, 0xc3, 0x79);
    // Triple-quoted strings usually hold CUDA/C++ sources: a calm, readable colour, not loud green.
    const QColor codeLight(0x3b, 0x4a, 0x7a), codeDark(0xb4, 0xc4, 0xe6);
    const Style styles[] = {
        {QsciLexerPython::Comment, QColor(0x6a, 0x73, 0x7d), QColor(0x7f, 0x88, 0x93), false, true},
        {QsciLexerPython::CommentBlock, QColor(0x6a, 0x73, 0x7d), QColor(0x7f, 0x88, 0x93), false, true},
        {QsciLexerPython::Number, QColor(0x00, 0x5c, 0xc5), QColor(0xd1, 0x9a, 0x66)},
        {QsciLexerPython::Keyword, QColor(0xa6, 0x26, 0xa4), QColor(0xc6, 0x78, 0xdd), true},
        {QsciLexerPython::DoubleQuotedString, strLight, strDark},
        {QsciLexerPython::SingleQuotedString, strLight, strDark},
        {QsciLexerPython::TripleSingleQuotedString, codeLight, codeDark},
        {QsciLexerPython::TripleDoubleQuotedString, codeLight, codeDark},
        {QsciLexerPython::ClassName, QColor(0xb0, 0x5a, 0x00), QColor(0xe5, 0xc0, 0x7b), true},
        {QsciLexerPython::FunctionMethodName, QColor(0x4a, 0x3a, 0xc4), QColor(0x61, 0xaf, 0xef), true},
        {QsciLexerPython::Operator, QColor(0x44, 0x4c, 0x56), QColor(0xab, 0xb2, 0xbf)},
        {QsciLexerPython::Identifier, fg, fg},
        {QsciLexerPython::Decorator, QColor(0x99, 0x60, 0x00), QColor(0xe5, 0xc0, 0x7b)},
        {QsciLexerPython::UnclosedString, QColor(0xc0, 0x20, 0x20), QColor(0xef, 0x6b, 0x6b)},
        {QsciLexerPython::HighlightedIdentifier, QColor(0x00, 0x6b, 0x75), QColor(0x56, 0xb6, 0xc2)},
    };
    for (const Style& s : styles) {
        m_lexer->setColor(dark ? s.dark : s.light, s.id);
        QFont f = mono;
        f.setBold(s.bold);
        f.setItalic(s.italic);
        m_lexer->setFont(f, s.id);
    }
    const QColor triplePaper = dark ? QColor(0x20, 0x23, 0x2a) : QColor(0xf6, 0xf8, 0xfb);
    m_lexer->setPaper(triplePaper, QsciLexerPython::TripleDoubleQuotedString);
    m_lexer->setPaper(triplePaper, QsciLexerPython::TripleSingleQuotedString);
    m_lexer->setHighlightSubidentifiers(false);

    setMarginsBackgroundColor(dark ? QColor(0x23, 0x25, 0x2a) : QColor(0xf3, 0xf4, 0xf6));
    setMarginsForegroundColor(dark ? QColor(0x6c, 0x72, 0x7c) : QColor(0x9a, 0xa0, 0xa8));
    setMarginsFont(mono);
    setCaretForegroundColor(fg);
    setCaretLineBackgroundColor(dark ? QColor(0x26, 0x29, 0x30) : QColor(0xf4, 0xf7, 0xfc));
    setSelectionBackgroundColor(dark ? QColor(0x26, 0x4f, 0x78) : QColor(0xc7, 0xdc, 0xf7));
    setSelectionForegroundColor(fg);
    setIndentationGuidesBackgroundColor(bg);
    setIndentationGuidesForegroundColor(dark ? QColor(0x3a, 0x3d, 0x44) : QColor(0xe1, 0xe4, 0xe8));
    setMatchedBraceBackgroundColor(dark ? QColor(0x3a, 0x4a, 0x5c) : QColor(0xd6, 0xe9, 0xff));
    setMatchedBraceForegroundColor(fg);
    setPaper(bg);
    setColor(fg);
    updateMarginWidth();
    m_applying = false;
}

void CodeEditor::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
    QsciScintilla::changeEvent(event);
}

void CodeEditor::dragEnterEvent(QDragEnterEvent* event)
{
    if (!droppedFile(event->mimeData()).isEmpty() && !isReadOnly()) {
        event->acceptProposedAction();
        return;
    }
    QsciScintilla::dragEnterEvent(event);
}

void CodeEditor::dragMoveEvent(QDragMoveEvent* event)
{
    if (!droppedFile(event->mimeData()).isEmpty() && !isReadOnly()) {
        event->acceptProposedAction();
        return;
    }
    QsciScintilla::dragMoveEvent(event);
}

void CodeEditor::dropEvent(QDropEvent* event)
{
    const QString path = droppedFile(event->mimeData());
    if (!path.isEmpty() && !isReadOnly()) {
        event->acceptProposedAction();
        Q_EMIT fileDropped(path);
        return;
    }
    QsciScintilla::dropEvent(event);
}

} // namespace kw::ui
