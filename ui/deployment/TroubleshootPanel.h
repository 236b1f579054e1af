#pragma once

#include "core/modal/ModalChecks.h"
#include "ui/base/Panel.h"

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

    bool busy() const override { return m_running; }
    void prepareScreenshot() override { runChecks(); }

    bool running() const { return m_running; }
    QTreeWidget* list() const { return m_list; }

public Q_SLOTS:
    void runChecks();

private:
    void addCheck(const ModalCheck& c);

    QPushButton* m_run = nullptr;
    QLabel* m_summary = nullptr;
    QTreeWidget* m_list = nullptr;
    bool m_running = false;
};

} // namespace kw::ui
