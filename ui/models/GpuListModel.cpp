#include "ui/models/GpuListModel.h"

#include "ui/base/Format.h"
#include "ui/base/QtStd.h"

using namespace Qt::StringLiterals;

namespace kw::ui {

GpuListModel::GpuListModel(QObject* parent) : QAbstractTableModel(parent) {}

int GpuListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_devices.size());
}

int GpuListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GpuListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const GpuEntry& d = m_devices[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Index:
            return QString(u"cuda:"_s + QString::number(d.index));
        case Name:
            return qs(d.name);
        case Memory:
            return d.memoryBytes > 0 ? Format::bytes(d.memoryBytes) : Format::dash();
        case Capability:
            if (d.ccMajor > 0)
                return u"%1.%2 (sm_%1%2)"_s.arg(d.ccMajor).arg(d.ccMinor);
            return d.arch.empty() ? Format::dash() : qs(d.arch);
        case Use:
            return QString::fromLatin1(gpuUseName(d.use));
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && !d.note.empty())
        return qs(d.note);
    if (role == Qt::TextAlignmentRole && index.column() == Memory)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant GpuListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Index:
        return tr("Device");
    case Name:
        return tr("Name");
    case Memory:
        return tr("Memory");
    case Capability:
        return tr("Compute capability");
    case Use:
        return tr("Evaluations");
    default:
        return {};
    }
}

void GpuListModel::setDevices(const std::vector<GpuEntry>& devices)
{
    auto same = [](const GpuEntry& a, const GpuEntry& b) { return a.index == b.index && a.name == b.name; };
    std::size_t i = 0;
    for (const GpuEntry& d : devices) {
        // Drop rows that no longer exist before this device's position.
        std::size_t match = i;
        while (match < m_devices.size() && !same(m_devices[match], d))
            ++match;
        if (match < m_devices.size()) {
            if (match > i) {
                beginRemoveRows({}, static_cast<int>(i), static_cast<int>(match - 1));
                m_devices.erase(m_devices.begin() + static_cast<std::ptrdiff_t>(i),
                                m_devices.begin() + static_cast<std::ptrdiff_t>(match));
                endRemoveRows();
            }
            GpuEntry& cur = m_devices[i];
            if (cur.memoryBytes != d.memoryBytes || cur.ccMajor != d.ccMajor || cur.ccMinor != d.ccMinor ||
                cur.arch != d.arch || cur.use != d.use || cur.note != d.note) {
                cur = d;
                Q_EMIT dataChanged(index(static_cast<int>(i), 0),
                                   index(static_cast<int>(i), ColumnCount - 1));
            }
        } else {
            beginInsertRows({}, static_cast<int>(i), static_cast<int>(i));
            m_devices.insert(m_devices.begin() + static_cast<std::ptrdiff_t>(i), d);
            endInsertRows();
        }
        ++i;
    }
    if (i < m_devices.size()) {
        beginRemoveRows({}, static_cast<int>(i), static_cast<int>(m_devices.size() - 1));
        m_devices.erase(m_devices.begin() + static_cast<std::ptrdiff_t>(i), m_devices.end());
        endRemoveRows();
    }
}

} // namespace kw::ui
