#pragma once

#include <QString>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace kw::ui {

class PathField;
class Settings;
class SettingsBridge;

// The Modal settings of a kernel_rl training config (rl_kernelbench.yaml, under
// dataset_builder:): use_modal, modal_gpu_type and modal_timeout, read when the file is chosen
// and saved through the core's byte-preserving editor. Values are validated on the UI thread
// and refused in words; the write (atomic, with FILE.bak) runs off it. Every other byte of the
// file stays as it was.
class TrainingConfigEditor : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingConfigEditor(Settings& settings, QWidget* parent = nullptr);

    QString path() const { return m_loadedPath; }
    // Reads the file (small) and shows its values; errors appear inline.
    void load(const QString& path);
    // Validates the edited values and writes the changed ones; false when refused at once
    // (invalid value, no file) — the reason is in errorText(). `saved` follows a write.
    bool save();
    bool saving() const;

    // The file's current value of a setting ("use_modal"), as last read; nullopt when absent.
    std::optional<QString> currentValue(const QString& key) const;
    QString errorText() const;
    QString statusText() const;
    PathField* pathField() const { return m_path; }
    QComboBox* useModalField() const { return m_useModal; }
    QComboBox* gpuField() const { return m_gpu; }
    QLineEdit* timeoutField() const { return m_timeout; }

Q_SIGNALS:
    void saved(bool ok);

private:
    void showError(const QString& text);
    void showValues();
    void onSaved(const QString& error, bool changed);

    Settings& m_settings;
    PathField* m_path;
    QLabel* m_status;
    QComboBox* m_useModal;
    QComboBox* m_gpu;
    QLineEdit* m_timeout;
    QPushButton* m_save;
    QPushButton* m_reload;
    QLabel* m_error;
    QString m_loadedPath;
    bool m_readable = false;
    SettingsBridge* m_bridge;
};

} // namespace kw::ui
