#include "ui/models/ProfileTableModel.h"

#include "core/profile/ProfileFormat.h"
#include "ui/base/QtStd.h"

namespace kw::ui {

using profile::KernelProfile;

namespace {

QVariant number(const std::optional<double>& v)
{
    return v ? QVariant(*v) : QVariant();
}

} // namespace

ProfileTableModel::ProfileTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int ProfileTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_kernels.size());
}

int ProfileTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProfileTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const KernelProfile& k = m_kernels[std::size_t(index.row())];
    const auto col = Column(index.column());
    if (role == Qt::DisplayRole) {
        switch (col) {
        case Kernel:
            return qs(k.name);
        case Launches:
            return k.launches;
        case Duration:
            return qs(profile::formatDuration(k.durationNs));
        case MemoryThroughput:
            return qs(profile::formatPercent(k.memoryPct));
        case ComputeThroughput:
            return qs(profile::formatPercent(k.computePct));
        case Occupancy:
            return qs(profile::formatPercent(k.achievedOccupancyPct));
        case Registers:
            return qs(profile::formatCount(k.registersPerThread));
        case SharedMemory:
            return qs(profile::formatBytes(k.sharedBytesPerBlock()));
        case Limiter:
            return qs(profile::formatLimiter(k));
        case ColumnCount:
            break;
        }
    } else if (role == Qt::UserRole) {
        switch (col) {
        case Kernel:
            return qs(k.name);
        case Launches:
            return k.launches;
        case Duration:
            return number(k.durationNs);
        case MemoryThroughput:
            return number(k.memoryPct);
        case ComputeThroughput:
            return number(k.computePct);
        case Occupancy:
            return number(k.achievedOccupancyPct);
        case Registers:
            return number(k.registersPerThread);
        case SharedMemory:
            return number(k.sharedBytesPerBlock());
        case Limiter:
            return qs(k.limiter);
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        if (col == Kernel)
            return tr("%1\nblock %2, grid %3, compute capability %4")
                .arg(qs(k.name), qs(k.blockSize), qs(k.gridSize), qs(k.computeCapability));
        if (col == Limiter)
            return qs(profile::limiterExplanation(k.limiter));
        if (col == Occupancy && k.theoreticalOccupancyPct)
            return tr("achieved; theoretical %1").arg(qs(profile::formatPercent(k.theoreticalOccupancyPct)));
        if (col == Duration && k.launches > 1)
            return tr("mean of %1 launches").arg(k.launches);
    } else if (role == Qt::TextAlignmentRole && col != Kernel && col != Limiter) {
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    }
    return {};
}

QVariant ProfileTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case Kernel:
            return tr("Kernel");
        case Launches:
            return tr("Launches");
        case Duration:
            return tr("Duration");
        case MemoryThroughput:
            return tr("Memory");
        case ComputeThroughput:
            return tr("Compute (SM)");
        case Occupancy:
            return tr("Occupancy");
        case Registers:
            return tr("Registers/thread");
        case SharedMemory:
            return tr("Shared mem/block");
        case Limiter:
            return tr("Limiter");
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case MemoryThroughput:
            return tr("Memory throughput, % of the GPU's peak (Nsight Compute's Speed Of Light)");
        case ComputeThroughput:
            return tr("Compute (SM) throughput, % of the GPU's peak (Nsight Compute's Speed Of Light)");
        case Occupancy:
            return tr("Achieved occupancy: active warps per SM as % of the maximum");
        case Limiter:
            return tr("What limits the kernel: memory or compute when either is at least 60 % of its peak "
                      "(the higher one), latency when both are below (Nsight Compute's own rule)");
        default:
            break;
        }
    }
    return {};
}

void ProfileTableModel::setKernels(std::vector<KernelProfile> kernels)
{
    beginResetModel();
    m_kernels = std::move(kernels);
    endResetModel();
}

} // namespace kw::ui
