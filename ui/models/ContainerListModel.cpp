#include "ui/models/ContainerListModel.h"

namespace kw::ui {

ContainerListModel::ContainerListModel(QObject* parent)
    : KeyedRowsModel({tr("Container"), tr("App"), tr("Started")}, parent)
{
}

void ContainerListModel::setContainers(const std::vector<ModalContainer>& containers)
{
    std::vector<Row> rows;
    for (const ModalContainer& c : containers)
        rows.push_back({QString::fromStdString(c.containerId),
                        {QString::fromStdString(c.containerId),
                         QString::fromStdString(c.appName.empty() ? c.appId : c.appName),
                         c.pending ? tr("Pending") : QString::fromStdString(c.startTime)}});
    setRows(rows);
}

} // namespace kw::ui
