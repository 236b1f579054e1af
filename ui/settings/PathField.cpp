#include "ui/settings/PathField.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace kw::ui {

PathField::PathField(const QString& value, Chooser choose, QWidget* parent)
    : QWidget(parent), m_edit(new QLineEdit(value, this))
{
    auto* h = new QHBoxLayout(this);
    h->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(tr("Browse…"), this);
    h->addWidget(m_edit, 1);
    h->addWidget(browse);
    connect(m_edit, &QLineEdit::editingFinished, this, [this] { Q_EMIT committed(m_edit->text()); });
    connect(browse, &QPushButton::clicked, this, [this, choose = std::move(choose)] {
        const QString p = choose(this, m_edit->text());
        if (!p.isEmpty()) {
            m_edit->setText(p);
            Q_EMIT committed(p);
        }
    });
}

QString PathField::text() const
{
    return m_edit->text();
}
void PathField::setText(const QString& path)
{
    m_edit->setText(path);
}

PathField::Chooser PathField::folder(const QString& caption)
{
    return [caption](QWidget* parent, const QString& current) {
        return QFileDialog::getExistingDirectory(parent, caption, current);
    };
}

PathField::Chooser PathField::openFile(const QString& caption, const QString& filter)
{
    return [caption, filter](QWidget* parent, const QString& current) {
        return QFileDialog::getOpenFileName(parent, caption, current, filter);
    };
}

PathField::Chooser PathField::saveFile(const QString& caption, const QString& filter)
{
    return [caption, filter](QWidget* parent, const QString& current) {
        return QFileDialog::getSaveFileName(parent, caption, current, filter, nullptr,
                                            QFileDialog::DontConfirmOverwrite);
    };
}

} // namespace kw::ui
