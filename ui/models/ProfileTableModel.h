#pragma once

#include "core/profile/KernelProfile.h"

#include <QAbstractTableModel>

#include <vector>

namespace kw::ui {

// One row per CUDA kernel of a profile (profile::summarizeByKernel): what Nsight Compute
// measured. A new profile replaces the rows whole (a profile is one unit, never appended to).
class ProfileTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Kernel,
        Launches,
        Duration,
        MemoryThroughput,
        ComputeThroughput,
        Occupancy,
        Registers,
        SharedMemory,
        Limiter,
        ColumnCount
    };
    // Qt::UserRole: the raw number (base units) for sorting; the kernel's full name for Kernel.
    explicit ProfileTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setKernels(std::vector<profile::KernelProfile> kernels);
    const std::vector<profile::KernelProfile>& kernels() const { return m_kernels; }

private:
    std::vector<profile::KernelProfile> m_kernels;
};

} // namespace kw::ui
