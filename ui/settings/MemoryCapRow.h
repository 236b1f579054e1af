#pragma once

#include <QWidget>

class QDoubleSpinBox;
class QLabel;

namespace kw::ui {

class Settings;

// Settings' "Memory cap" row: the memory each local evaluation's process may use (the
// evaluator's --mem-limit-mb), in GiB; the lowest value is the default, half of RAM. Disabled,
// with the reason, while KERNELWATCH_MEM_LIMIT_MB decides it.
class MemoryCapRow : public QWidget
{
    Q_OBJECT
public:
    explicit MemoryCapRow(Settings& settings, QWidget* parent = nullptr);

    QDoubleSpinBox* spinBox() const { return m_spin; }
    QString hintText() const;

private:
    Settings& m_settings;
    QDoubleSpinBox* m_spin;
    QLabel* m_hint;
};

} // namespace kw::ui
