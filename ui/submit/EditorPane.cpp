#include "ui/submit/EditorPane.h"

#include "core/model/SourceFile.h"
#include "ui/base/QtStd.h"
#include "ui/submit/UnsavedPrompt.h"
#include "ui/widgets/CodeEditor.h"

#include <QAction>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QSaveFile>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kw::ui {

EditorPane::EditorPane(const QString& title, const QString& placeholder, QWidget* parent)
    : QWidget(parent), m_title(new QLabel(title, this)), m_pathLabel(new QLabel(this)),
      m_open(new QToolButton(this)), m_save(new QToolButton(this)), m_editor(new CodeEditor(this)),
      m_placeholder(placeholder)
{
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_pathLabel->setObjectName(u"pathLabel"_s);
    m_pathLabel->setForegroundRole(QPalette::PlaceholderText);
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_pathLabel->installEventFilter(this); // re-elide the file name on resize

    // The compile error's line: a margin marker (margin 1, shown only while marked), a squiggle
    // and the compiler's message as an annotation under the line.
    const QColor errorRed(0xd0, 0x30, 0x30);
    m_editor->markerDefine(QsciScintilla::RightTriangle, kErrorMarker);
    m_editor->setMarkerBackgroundColor(errorRed, kErrorMarker);
    m_editor->setMarkerForegroundColor(errorRed, kErrorMarker);
    m_editor->setMarginType(1, QsciScintilla::SymbolMargin);
    m_editor->setMarginMarkerMask(1, 1 << kErrorMarker);
    m_editor->indicatorDefine(QsciScintilla::SquiggleIndicator, kErrorIndicator);
    m_editor->setIndicatorForegroundColor(errorRed, kErrorIndicator);
    m_editor->setAnnotationDisplay(QsciScintilla::AnnotationBoxed);
    m_open->setText(tr("Open…"));
    m_open->setToolTip(tr("Load a Python file (or drop one on the editor)"));
    m_open->setAutoRaise(true);
    m_save->setText(tr("Save"));
    m_save->setAutoRaise(true);
    m_save->setPopupMode(QToolButton::MenuButtonPopup);
    // Icons for the compact header (a narrow pane shows the buttons as icons: resizeEvent).
    m_open->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    m_open->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_save->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto* saveAction = new QAction(tr("Save"), this);
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    saveAction->setToolTip(tr("Save %1 (Ctrl+S)").arg(title.toLower()));
    saveAction->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton)); // shown when compact
    auto* saveAsAction = new QAction(tr("Save As…"), this);
    saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    saveAsAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(saveAction);
    addAction(saveAsAction);
    m_save->setDefaultAction(saveAction);
    m_save->addAction(saveAsAction);
    connect(saveAction, &QAction::triggered, this, [this] { save(); });
    connect(saveAsAction, &QAction::triggered, this, [this] { saveAs(); });

    auto* header = new QHBoxLayout;
    header->setContentsMargins(2, 0, 0, 0);
    header->addWidget(m_title);
    header->addSpacing(6);
    header->addWidget(m_pathLabel, 1);
    header->addWidget(m_save);
    header->addWidget(m_open);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_editor, 1);

    connect(m_open, &QToolButton::clicked, this, &EditorPane::openDialog);
    connect(m_editor, &CodeEditor::fileDropped, this, [this](const QString& path) {
        if (UnsavedPrompt::confirm(this, {this}, tr("open %1").arg(QFileInfo(path).fileName())))
            loadFile(path);
    });
    connect(m_editor, &QsciScintilla::modificationChanged, this, [this](bool modified) {
        updatePathLabel();
        if (!m_settingText)
            Q_EMIT modifiedChanged(modified);
    });
    connect(m_editor, &QsciScintilla::textChanged, this, [this] {
        if (m_errorLine > 0)
            clearErrorMark(); // the line number no longer holds once the text changes
        if (!m_settingText)
            Q_EMIT textEdited();
    });
    updatePathLabel();
}

EditorPane::~EditorPane() = default;

void EditorPane::onLoaded(const Loaded& l)
{
    if (!l.error.isEmpty()) {
        Q_EMIT loadFailed(l.error);
        return;
    }
    setText(l.text, l.path);
    Q_EMIT fileLoaded(l.path);
}

QString EditorPane::title() const
{
    return m_title->text();
}

QString EditorPane::text() const
{
    return m_editor->text();
}

bool EditorPane::isModified() const
{
    return m_editor->isModified();
}

void EditorPane::setText(const QString& text, const QString& path)
{
    m_settingText = true;
    m_path = path;
    clearErrorMark();
    m_editor->setText(text);
    m_editor->setCursorPosition(0, 0);
    m_editor->setModified(false);
    m_settingText = false;
    updatePathLabel();
    Q_EMIT modifiedChanged(false);
}

void EditorPane::restoreUnsaved(const QString& text, const QString& path)
{
    // QScintilla can only clear the modified state: start from an empty, unmodified document and
    // insert the text as an edit.
    setText(QString(), path);
    m_settingText = true;
    m_editor->insert(text);
    m_editor->setCursorPosition(0, 0);
    m_settingText = false;
    updatePathLabel();
    Q_EMIT modifiedChanged(true);
}

QString EditorPane::displayName() const
{
    if (m_path.isEmpty())
        return m_title->text();
    return QFileInfo(m_path).fileName();
}

QString EditorPane::headerText() const
{
    return m_header;
}

QString EditorPane::shownHeaderText() const
{
    return m_pathLabel->text();
}

QString EditorPane::headerToolTip() const
{
    return m_pathLabel->toolTip();
}

void EditorPane::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Narrow (an editor in the window at 1024 px): Save and Open… as icons, so the file name has
    // room; their words stay in the tooltips.
    const Qt::ToolButtonStyle style =
        width() < kCompactBelowPx ? Qt::ToolButtonIconOnly : Qt::ToolButtonTextOnly;
    if (m_open->toolButtonStyle() != style) {
        m_open->setToolButtonStyle(style);
        m_save->setToolButtonStyle(style);
    }
}

bool EditorPane::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_pathLabel && event->type() == QEvent::Resize)
        elideHeader();
    return QWidget::eventFilter(watched, event);
}

void EditorPane::elideHeader()
{
    // Elide the middle of the name and keep its extension and the modified dot ("relu…ref.py •"),
    // unless even that does not fit.
    const QFontMetrics fm = m_pathLabel->fontMetrics();
    const int width = std::max(0, m_pathLabel->width());
    QString shown = m_header;
    if (fm.horizontalAdvance(m_header) > width) {
        const qsizetype dot = m_header.lastIndexOf(u'.');
        const QString tail = dot > 0 ? m_header.mid(dot) : QString();
        const QString head = fm.elidedText(m_header.left(dot > 0 ? dot : m_header.size()), Qt::ElideMiddle,
                                           width - fm.horizontalAdvance(tail));
        shown = head.size() > 1 && !tail.isEmpty() ? head + tail
                                                   : fm.elidedText(m_header, Qt::ElideMiddle, width);
    }
    if (shown != m_pathLabel->text())
        m_pathLabel->setText(shown);
}

void EditorPane::markErrorLine(int line, int column, const QString& message)
{
    clearErrorMark();
    if (line < 1 || line > m_editor->lines())
        return;
    m_errorLine = line;
    const int l = line - 1;
    m_editor->setMarginWidth(1, 14);
    m_editor->markerAdd(l, kErrorMarker);
    m_editor->fillIndicatorRange(l, 0, l, m_editor->text(l).size(), kErrorIndicator);
    if (!message.isEmpty())
        m_editor->annotate(l, message.section(u'\n', 0, 0).left(300), 0);
    m_editor->setCursorPosition(l, std::max(0, column - 1));
    m_editor->SendScintilla(QsciScintilla::SCI_SETXOFFSET, 0); // the line from its start
    const int onScreen = int(m_editor->SendScintilla(QsciScintilla::SCI_LINESONSCREEN));
    m_editor->setFirstVisibleLine(std::max(0, l - onScreen / 2));
}

void EditorPane::clearErrorMark()
{
    if (m_errorLine == 0)
        return;
    m_errorLine = 0;
    m_editor->markerDeleteAll(kErrorMarker);
    const int last = std::max(0, m_editor->lines() - 1);
    m_editor->clearIndicatorRange(0, 0, last, m_editor->text(last).size(), kErrorIndicator);
    m_editor->clearAnnotations();
    m_editor->setMarginWidth(1, 0);
}

void EditorPane::updatePathLabel()
{
    const QString dot = isModified() ? u" \u2022"_s : QString();
    QString tip;
    if (m_path.isEmpty()) {
        m_header = isModified() ? tr("unsaved") + dot : m_placeholder;
    } else if (m_path.startsWith(u':')) {
        // The name alone (a narrow pane has room for little more); "built-in sample" in the tooltip.
        m_header = QFileInfo(m_path).fileName() + dot;
        tip = tr("Built-in sample %1").arg(QFileInfo(m_path).fileName()) +
              (isModified() ? u"\n"_s + tr("Unsaved changes to a built-in sample: Save As… keeps them")
                            : QString());
    } else {
        m_header = QFileInfo(m_path).fileName() + dot;
        tip = isModified() ? tr("%1 (unsaved changes)").arg(m_path) : m_path;
    }
    // The whole name is always in the tooltip: the label elides it in the middle when narrow.
    m_pathLabel->setToolTip(tip.isEmpty() ? m_header : tip);
    m_pathLabel->setText(m_header);
    elideHeader();
}

bool EditorPane::save()
{
    if (m_path.isEmpty() || m_path.startsWith(u':'))
        return saveAs();
    return saveTo(m_path);
}

bool EditorPane::saveAs()
{
    QString dir = m_path.isEmpty() || m_path.startsWith(u':') ? QString() : m_path;
    if (m_path.startsWith(u':'))
        dir = QFileInfo(m_path).fileName();
    const QString file = QFileDialog::getSaveFileName(this, tr("Save %1").arg(m_title->text()), dir,
                                                      tr("Python sources (*.py);;All files (*)"));
    return !file.isEmpty() && saveTo(file);
}

bool EditorPane::saveTo(const QString& path)
{
    QSaveFile f(path);
    const QByteArray bytes = m_editor->text().toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        Q_EMIT saveFailed(tr("Cannot save %1: %2").arg(path, f.errorString()));
        return false;
    }
    m_path = path;
    m_editor->setModified(false);
    updatePathLabel();
    Q_EMIT saved(path);
    return true;
}

void EditorPane::openDialog()
{
    if (!UnsavedPrompt::confirm(this, {this}, tr("open another file")))
        return;
    const QString dir =
        m_path.isEmpty() || m_path.startsWith(u':') ? QString() : QFileInfo(m_path).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, tr("Open %1").arg(m_title->text()), dir,
                                                      tr("Python sources (*.py);;All files (*)"));
    if (!file.isEmpty())
        loadFile(file);
}

void EditorPane::loadFile(const QString& path)
{
    // The newest request wins: an older read still running is not answered.
    m_loading.start(
        [path] {
            Loaded l;
            l.path = path;
            std::string text, error;
            if (kw::readSourceFile(toStd(path), text, error))
                l.text = qs(text);
            else
                l.error = qs(error);
            return l;
        },
        [this](const Loaded& l) { onLoaded(l); });
}

} // namespace kw::ui
