#pragma once

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QToolButton;

namespace kw::ui {

class CodeEditor;

// A titled code editor that loads files (Open…, drag and drop) off the UI thread.
class EditorPane : public QWidget
{
    Q_OBJECT
public:
    EditorPane(const QString& title, const QString& placeholder, QWidget* parent = nullptr);
    ~EditorPane() override;

    CodeEditor* editor() const { return m_editor; }
    QString text() const;
    QString path() const { return m_path; }
    void setText(const QString& text, const QString& path = {});
    void loadFile(const QString& path); // async: fileLoaded or loadFailed follows
    void openDialog();
    bool loading() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    void fileLoaded(const QString& path);
    void loadFailed(const QString& message);

private:
    struct Loaded
    {
        QString path, text, error;
    };
    void updatePathLabel();

    QLabel* m_title;
    QLabel* m_pathLabel;
    QToolButton* m_open;
    CodeEditor* m_editor;
    QString m_path;
    QString m_placeholder;
    QString m_pending;
    QFutureWatcher<Loaded> m_watcher;
};

} // namespace kw::ui
