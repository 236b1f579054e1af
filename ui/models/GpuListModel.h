#pragma once

#include "core/local/GpuInventory.h"

#include <QAbstractTableModel>

#include <vector>

namespace kw::ui {

// The local GPUs for the Settings panel (core/local/GpuInventory's entries, as kernelwatch-cli
// doctor lists them). A fresh query is merged row by row (matched by index and name), so
// selection survives a refresh.
class GpuListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Index,
        Name,
        Memory,
        Capability,
        Use,
        ColumnCount
    };
    explicit GpuListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setDevices(const std::vector<GpuEntry>& devices);
    const std::vector<GpuEntry>& devices() const { return m_devices; }

private:
    std::vector<GpuEntry> m_devices;
};

} // namespace kw::ui
