#pragma once

#include "ui/models/KeyedRowsModel.h"

#include "core/modal/ModalContainerList.h"

namespace kw::ui {

// `modal container list`: Container, App, Started (key = container id).
class ContainerListModel : public KeyedRowsModel
{
public:
    explicit ContainerListModel(QObject* parent = nullptr);
    void setContainers(const std::vector<ModalContainer>& containers);
};

} // namespace kw::ui
