#pragma once

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace kw::ui {

class AppContext;
class PathField;
class TrainingConfigEditor;

// Settings › Modal: the deployed evaluator's endpoint (Deploy fills it in), the default GPU
// type, the evaluation timeout (with a warning when it exceeds what the app was deployed with),
// the proxy auth token (secret masked, never logged), the `modal` client, and the training
// config's Modal keys. Written through Settings as they are edited; AppContext rebuilds the
// Modal target from them.
class ModalSettingsForm : public QWidget
{
    Q_OBJECT
public:
    explicit ModalSettingsForm(AppContext& ctx, QWidget* parent = nullptr);

    // The timeout_s that the last Deploy saved in modal.json; nullopt when none.
    static std::optional<int> deployedTimeoutS();

    QLineEdit* endpointField() const { return m_endpoint; }
    QComboBox* gpuField() const { return m_gpu; }
    QSpinBox* timeoutField() const { return m_timeout; }
    QLineEdit* proxyKeyField() const { return m_key; }
    QLineEdit* proxySecretField() const { return m_secret; }
    PathField* cliField() const { return m_cli; }
    TrainingConfigEditor* training() const { return m_training; }
    // Empty while hidden.
    QString timeoutWarning() const;
    QString gpuError() const;
    QString envNote() const;
    QString statusText() const; // the Modal target: usable (its description) or why not

public Q_SLOTS:
    // Re-reads the settings and modal.json into the fields (after Deploy, for example).
    void refresh();

protected:
    void showEvent(QShowEvent* e) override; // modal.json may have changed (a deploy)

private:
    void updateWarning();
    void updateStatus();

    AppContext& m_ctx;
    QLineEdit* m_endpoint;
    QComboBox* m_gpu;
    QLabel* m_gpuError;
    QSpinBox* m_timeout;
    QLabel* m_timeoutWarning;
    QLineEdit* m_key;
    QLineEdit* m_secret;
    QLabel* m_envNote;
    PathField* m_cli;
    QLabel* m_status;
    TrainingConfigEditor* m_training;
};

} // namespace kw::ui
