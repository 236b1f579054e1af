#pragma once

#include <QWidget>

#include <functional>

class QLineEdit;

namespace kw::ui {

// A path: a line edit and a Browse… button. `committed` fires when editing finishes or a path
// is chosen in the dialog.
class PathField : public QWidget
{
    Q_OBJECT
public:
    // Asks the user for a path (a file dialog); empty when cancelled.
    using Chooser = std::function<QString(QWidget* parent, const QString& current)>;

    PathField(const QString& value, Chooser choose, QWidget* parent = nullptr);

    QLineEdit* edit() const { return m_edit; }
    QString text() const;
    void setText(const QString& path);

    static Chooser folder(const QString& caption);
    static Chooser openFile(const QString& caption, const QString& filter);
    // A file that may not exist yet (no overwrite question).
    static Chooser saveFile(const QString& caption, const QString& filter);

Q_SIGNALS:
    void committed(const QString& path);

private:
    QLineEdit* m_edit;
};

} // namespace kw::ui
