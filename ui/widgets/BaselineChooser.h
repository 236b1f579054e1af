#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;

namespace kw::ui {

// Which baselines a submission measures (eager alone, or eager and torch.compile of the
// reference) and the torch.compile mode: used by Settings (the default) and by the Submit
// options (per submission). The mode is enabled only while compile is chosen.
class BaselineChooser : public QWidget
{
    Q_OBJECT
public:
    explicit BaselineChooser(QWidget* parent = nullptr);

    QStringList baselines() const; // {"eager"} or {"eager", "compile"}
    void setBaselines(const QStringList& names);
    QString compileMode() const; // "default" or "max-autotune-no-cudagraphs"
    void setCompileMode(const QString& mode);
    QComboBox* baselineBox() const { return m_baselines; }
    QComboBox* modeBox() const { return m_mode; }

Q_SIGNALS:
    void changed();

private:
    QComboBox* m_baselines;
    QComboBox* m_mode;
};

} // namespace kw::ui
