#pragma once

#include "ui/base/Panel.h"
#include "ui/deployment/DeploymentBridge.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace kw::ui {

// Runs the Modal troubleshooting checks (core ModalChecks) on demand, off the UI thread, and
// lists each as it completes: pass/fail/skipped, what was found, and the fix. The checks use what
// Settings › Modal holds (CLI path, endpoint, GPU type, timeout, proxy token) over the environment.
class TroubleshootPanel : public Panel
{
    Q_OBJECT
public:
    static PanelInfo info();
    TroubleshootPanel(AppContext& ctx, QWidget* parent = nullptr);

    bool busy() const override { return running(); }
    void prepareScreenshot() override { runChecks(); }

    bool running() const { return m_bridge->checking(); }
    QTreeWidget* list() const { return m_list; }

public Q_SLOTS:
    void runChecks();

protected:
    // The first time the panel is shown the checks run by themselves: opening Troubleshoot is
    // asking for them.
    void showEvent(QShowEvent* event) override;

private:
    void addCheck(const DeploymentBridge::Check& c);
    bool m_ranOnce = false;

    DeploymentBridge* m_bridge = nullptr;
    QPushButton* m_run = nullptr;
    QLabel* m_summary = nullptr;
    QTreeWidget* m_list = nullptr;
};

} // namespace kw::ui
