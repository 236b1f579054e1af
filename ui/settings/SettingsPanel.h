#pragma once

#include "ui/base/Panel.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;
class QVBoxLayout;

namespace kw::ui {

class GpuListModel;
class ModalSettingsForm;
class PythonTestRow;

// Settings, written through the typed Settings class as they are edited: the interpreter (with
// a Test button), local devices and concurrency, the GPUs found, cache and history locations,
// defaults for new evaluations, Modal (endpoint, GPU, timeout, proxy token, training config),
// appearance. Other panels may add a section with addSection().
class SettingsPanel : public Panel
{
    Q_OBJECT
public:
    SettingsPanel(AppContext& ctx, QWidget* parent = nullptr);
    static PanelInfo info();

    void addSection(const QString& title, QWidget* content);
    bool busy() const override;
    PythonTestRow* pythonRow() const { return m_python; }
    GpuListModel* gpuModel() const { return m_gpus; }
    QString gpuMessage() const;
    ModalSettingsForm* modalForm() const { return m_modal; }

private:
    QWidget* localSection();
    QWidget* gpuSection();
    QWidget* defaultsSection();
    QWidget* storageSection();
    QWidget* modalSection();
    QWidget* appearanceSection();
    void updateGpus();
    QLineEdit* pathField(const QString& value, bool folder, std::function<void(const QString&)> apply,
                         QWidget* parent, QWidget** row);

    QVBoxLayout* m_sections;
    PythonTestRow* m_python;
    GpuListModel* m_gpus;
    QTableView* m_gpuTable = nullptr;
    QLabel* m_gpuMessage = nullptr;
    ModalSettingsForm* m_modal = nullptr;
};

} // namespace kw::ui
