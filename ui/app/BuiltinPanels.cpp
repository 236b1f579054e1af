#include "app/PanelRegistry.h"

#include "charts/ChartsPanel.h"
#include "evaluations/EvaluationsPanel.h"
#include "settings/SettingsPanel.h"
#include "submit/SubmitPanel.h"

namespace kw::ui {

// The sidebar, top to bottom. One line per panel.
PanelRegistry PanelRegistry::builtin()
{
    PanelRegistry r;
    r.add<SubmitPanel>();
    r.add<EvaluationsPanel>();
    r.add<ChartsPanel>();
    // Training, Deployment and Troubleshoot panels register here, e.g. r.add<DeploymentPanel>();
    r.add<SettingsPanel>();
    return r;
}

} // namespace kw::ui
