#include "ui/models/AppListModel.h"

namespace kw::ui {

AppListModel::AppListModel(QObject* parent)
    : KeyedRowsModel({tr("Name"), tr("State"), tr("Tasks"), tr("Created"), tr("App ID")}, parent)
{
}

void AppListModel::setApps(const std::vector<ModalApp>& apps)
{
    std::vector<Row> rows;
    for (const ModalApp& a : apps)
        rows.push_back({QString::fromStdString(a.appId),
                        {QString::fromStdString(a.description), QString::fromStdString(a.state),
                         QString::number(a.tasks), QString::fromStdString(a.createdAt),
                         QString::fromStdString(a.appId)}});
    setRows(rows);
}

} // namespace kw::ui
