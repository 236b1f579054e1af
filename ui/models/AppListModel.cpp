#include "ui/models/AppListModel.h"

#include "ui/base/QtStd.h"

namespace kw::ui {

AppListModel::AppListModel(QObject* parent)
    : KeyedRowsModel({tr("Name"), tr("State"), tr("Tasks"), tr("Created"), tr("App ID")}, parent)
{
}

void AppListModel::setApps(const std::vector<ModalApp>& apps)
{
    std::vector<Row> rows;
    for (const ModalApp& a : apps)
        rows.push_back(
            {qs(a.appId),
             {qs(a.description), qs(a.state), QString::number(a.tasks), qs(a.createdAt), qs(a.appId)}});
    setRows(rows);
}

} // namespace kw::ui
