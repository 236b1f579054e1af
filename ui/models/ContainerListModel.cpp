#include "ui/models/ContainerListModel.h"

#include "ui/base/QtStd.h"

namespace kw::ui {

ContainerListModel::ContainerListModel(QObject* parent)
    : KeyedRowsModel({tr("Container"), tr("App"), tr("Started")}, parent)
{
}

void ContainerListModel::setContainers(const std::vector<ModalContainer>& containers)
{
    std::vector<Row> rows;
    for (const ModalContainer& c : containers)
        rows.push_back({qs(c.containerId),
                        {qs(c.containerId), qs(c.appName.empty() ? c.appId : c.appName),
                         c.pending ? tr("Pending") : qs(c.startTime)}});
    setRows(rows);
}

} // namespace kw::ui
