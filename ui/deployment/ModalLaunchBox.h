#pragma once

#include "ui/deployment/DeploymentBridge.h"

#include <QGroupBox>

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
// `modal` process runs off the UI thread (DeploymentBridge) and ends with the bridge (SIGINT,
// then SIGKILL).
class ModalLaunchBox : public QGroupBox
{
    Q_OBJECT
public:
    ModalLaunchBox(AppContext& ctx, DeploymentBridge* bridge, QWidget* parent = nullptr);

    bool deploying() const { return m_bridge->deploying(); }
    bool serving() const { return m_bridge->serving(); }
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
    // Checks the GPU and finds the app file; on success clears the output view and shows the
    // command line, else says what is wrong in the stage label.
    bool prepareLaunch(const QString& verb);
    void updateButtons();
    void onOutputLine(const QString& line);
    void showFailure(const DeploymentBridge::Problem& p);
    void onDeployEnded(const DeploymentBridge::Launch& r);
    void onServeEnded(const DeploymentBridge::Launch& r);

    AppContext& m_ctx;
    DeploymentBridge* m_bridge;
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
};

} // namespace kw::ui
