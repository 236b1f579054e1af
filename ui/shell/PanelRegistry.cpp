#include "ui/shell/PanelRegistry.h"

namespace kw::ui {

const PanelRegistry::Entry* PanelRegistry::find(const QString& id) const
{
    for (const auto& e : m_entries)
        if (e.info.id == id)
            return &e;
    return nullptr;
}

} // namespace kw::ui
