#pragma once

#include "ui/models/KeyedRowsModel.h"

#include "core/modal/ModalAppList.h"

namespace kw::ui {

// `modal app list`: Name, State, Tasks, Created, App ID (key = app id).
class AppListModel : public KeyedRowsModel
{
public:
    explicit AppListModel(QObject* parent = nullptr);
    void setApps(const std::vector<ModalApp>& apps);
};

} // namespace kw::ui
