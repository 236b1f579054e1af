#include "submit/EditorPane.h"

#include "SourceFile.h"
#include "submit/UnsavedPrompt.h"
#include "widgets/CodeEditor.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QSaveFile>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

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
    m_open->setText(tr("Open…"));
    m_open->setToolTip(tr("Load a Python file (or drop one on the editor)"));
    m_open->setAutoRaise(true);
    m_save->setText(tr("Save"));
    m_save->setAutoRaise(true);
    m_save->setPopupMode(QToolButton::MenuButtonPopup);

    auto* saveAction = new QAction(tr("Save"), this);
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    saveAction->setToolTip(tr("Save %1 (Ctrl+S)").arg(title.toLower()));
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
        if (!m_settingText)
            Q_EMIT textEdited();
    });
    connect(&m_watcher, &QFutureWatcher<Loaded>::finished, this, [this] {
        const Loaded l = m_watcher.result();
        if (!m_pending.isEmpty()) {
            const QString next = std::exchange(m_pending, QString());
            loadFile(next);
            return;
        }
        if (!l.error.isEmpty()) {
            Q_EMIT loadFailed(l.error);
            return;
        }
        setText(l.text, l.path);
        Q_EMIT fileLoaded(l.path);
    });
    updatePathLabel();
}

EditorPane::~EditorPane()
{
    m_watcher.waitForFinished();
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
    return m_pathLabel->text();
}

void EditorPane::updatePathLabel()
{
    const QString dot = isModified() ? u" \u2022"_s : QString();
    if (m_path.isEmpty()) {
        m_pathLabel->setText(isModified() ? tr("unsaved") + dot : m_placeholder);
        m_pathLabel->setToolTip({});
    } else if (m_path.startsWith(u':')) {
        m_pathLabel->setText(tr("built-in sample · %1").arg(QFileInfo(m_path).fileName()) + dot);
        m_pathLabel->setToolTip(isModified() ? tr("Unsaved changes to a built-in sample: Save As… keeps them")
                                             : QString());
    } else {
        m_pathLabel->setText(QFileInfo(m_path).fileName() + dot);
        m_pathLabel->setToolTip(isModified() ? tr("%1 (unsaved changes)").arg(m_path) : m_path);
    }
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
    if (m_watcher.isRunning()) {
        m_pending = path; // the newest request wins; started when the current read ends
        return;
    }
    m_watcher.setFuture(QtConcurrent::run([path] {
        Loaded l;
        l.path = path;
        std::string text, error;
        if (kw::readSourceFile(path.toStdString(), text, error))
            l.text = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
        else
            l.error = QString::fromStdString(error);
        return l;
    }));
}

} // namespace kw::ui
