#include "ui/shell/PanelRegistry.h"

#include "ui/charts/ChartsPanel.h"
#include "ui/deployment/DeploymentPanel.h"
#include "ui/deployment/TroubleshootPanel.h"
#include "ui/evaluations/EvaluationsPanel.h"
#include "ui/settings/SettingsPanel.h"
#include "ui/submit/SubmitPanel.h"
#include "ui/training/TrainingPanel.h"

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
