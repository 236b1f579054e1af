#include "submit/EditorPane.h"

#include "SourceFile.h"
#include "widgets/CodeEditor.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace kw::ui {

EditorPane::EditorPane(const QString& title, const QString& placeholder, QWidget* parent)
    : QWidget(parent), m_title(new QLabel(title, this)), m_pathLabel(new QLabel(this)),
      m_open(new QToolButton(this)), m_editor(new CodeEditor(this)), m_placeholder(placeholder)
{
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_pathLabel->setForegroundRole(QPalette::PlaceholderText);
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_open->setText(tr("Open…"));
    m_open->setToolTip(tr("Load a Python file (or drop one on the editor)"));
    m_open->setAutoRaise(true);

    auto* header = new QHBoxLayout;
    header->setContentsMargins(2, 0, 0, 0);
    header->addWidget(m_title);
    header->addSpacing(6);
    header->addWidget(m_pathLabel, 1);
    header->addWidget(m_open);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_editor, 1);

    connect(m_open, &QToolButton::clicked, this, &EditorPane::openDialog);
    connect(m_editor, &CodeEditor::fileDropped, this, &EditorPane::loadFile);
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

QString EditorPane::text() const
{
    return m_editor->text();
}

void EditorPane::setText(const QString& text, const QString& path)
{
    m_editor->setText(text);
    m_editor->setCursorPosition(0, 0);
    m_path = path;
    updatePathLabel();
}

void EditorPane::updatePathLabel()
{
    if (m_path.isEmpty()) {
        m_pathLabel->setText(m_placeholder);
        m_pathLabel->setToolTip({});
    } else if (m_path.startsWith(u':')) {
        m_pathLabel->setText(tr("built-in sample · %1").arg(QFileInfo(m_path).fileName()));
        m_pathLabel->setToolTip({});
    } else {
        m_pathLabel->setText(QFileInfo(m_path).fileName());
        m_pathLabel->setToolTip(m_path);
    }
}

void EditorPane::openDialog()
{
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
