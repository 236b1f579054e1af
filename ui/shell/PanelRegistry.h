#pragma once

#include "ui/base/Panel.h"

#include <functional>
#include <vector>

namespace kw::ui {

// The panels of the main window, in sidebar order. Adding a panel is one line:
// `registry.add<MyPanel>();` in BuiltinPanels.cpp.
class PanelRegistry
{
public:
    using Factory = std::function<Panel*(AppContext&, QWidget*)>;
    struct Entry
    {
        PanelInfo info;
        Factory create;
    };

    template <typename P> void add()
    {
        m_entries.push_back(
            {P::info(), [](AppContext& ctx, QWidget* parent) -> Panel* { return new P(ctx, parent); }});
    }
    void add(PanelInfo info, Factory factory) { m_entries.push_back({std::move(info), std::move(factory)}); }
    const std::vector<Entry>& entries() const { return m_entries; }
    const Entry* find(const QString& id) const;

    // Submit, Evaluations, Charts, ..., Settings (see BuiltinPanels.cpp).
    static PanelRegistry builtin();

private:
    std::vector<Entry> m_entries;
};

} // namespace kw::ui
