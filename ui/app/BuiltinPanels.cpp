#include "app/PanelRegistry.h"

#include "charts/ChartsPanel.h"
#include "deployment/DeploymentPanel.h"
#include "deployment/TroubleshootPanel.h"
#include "evaluations/EvaluationsPanel.h"
#include "settings/SettingsPanel.h"
#include "submit/SubmitPanel.h"
#include "training/TrainingPanel.h"

namespace kw::ui {

// The sidebar, top to bottom. One line per panel.
PanelRegistry PanelRegistry::builtin()
{
    PanelRegistry r;
    r.add<SubmitPanel>();
    r.add<EvaluationsPanel>();
    r.add<ChartsPanel>();
    r.add<TrainingPanel>();
    r.add<DeploymentPanel>();
    r.add<TroubleshootPanel>();
    r.add<SettingsPanel>();
    return r;
}

} // namespace kw::ui
