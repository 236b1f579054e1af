#pragma once

#include "core/usecase/ModalDeployment.h"

#include "core/modal/ModalCli.h"

#include <QGroupBox>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace kw::ui {

class AppContext;

// Deploy and Serve (dev) of the evaluator app: GPU type and timeout, the streamed `modal` output
// with the stage it has reached, the deployed web endpoint (saved with saveModalEndpoint and into
// Settings) and the dev app's endpoint while `modal serve` runs. One launch at a time; the
// `modal` process runs off the UI thread and ends with this box (SIGINT, then SIGKILL).
class ModalLaunchBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit ModalLaunchBox(AppContext& ctx, QWidget* parent = nullptr);
    ~ModalLaunchBox() override;

    bool deploying() const { return m_deployStop != nullptr; }
    bool serving() const { return m_serveStop != nullptr; }
    QString endpointUrl() const { return m_endpointUrl; }
    QString serveUrl() const { return m_serveUrl; } // the dev app's endpoint, once printed
    QString stageText() const;
    QString output() const;

public Q_SLOTS:
    void deploy();
    void cancelDeploy();
    void serve();
    void stopServing();

Q_SIGNALS:
    // A deploy or a dev app ended (successfully or not): the app list has changed.
    void launchEnded();

private:
    // What deploy and serve share: the evaluator's modal_app.py and the settings it reads.
    struct AppLaunch
    {
        ModalDeployRequest request;
        std::string file;
        std::string gpu; // canonical
        int timeoutS = 0;
        std::map<std::string, std::string> env;
    };
    // Checks the GPU and finds the app file; on success clears the output view and shows the
    // command line, else says what is wrong in the stage label.
    std::optional<AppLaunch> prepareLaunch(const QString& verb);
    // Streams `modal` output lines to onOutputLine on the UI thread while this box lives.
    ModalCli::LineFn outputSink();
    void updateButtons();
    void onOutputLine(const QString& line);
    void showFailure(const ModalDiagnosis& d);

    AppContext& m_ctx;
    QComboBox* m_gpu = nullptr;
    QSpinBox* m_timeout = nullptr;
    QPushButton* m_deployButton = nullptr;
    QPushButton* m_serveButton = nullptr;
    QLineEdit* m_serveUrlEdit = nullptr;
    QWidget* m_serveRow = nullptr;
    QLabel* m_stage = nullptr;
    QLineEdit* m_url = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QString m_endpointUrl;
    QString m_serveUrl;
    std::shared_ptr<std::atomic<bool>> m_deployStop;
    std::shared_ptr<std::atomic<bool>> m_serveStop;
};

} // namespace kw::ui
