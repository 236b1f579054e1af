#include "ui/training/TraceTableModel.h"

#include "ui/base/Format.h"
#include "ui/base/StatusStyle.h"
#include "ui/training/TrainingBridge.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

TraceTableModel::TraceTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int TraceTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TraceTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const TraceRow* TraceTableModel::rowAt(int row) const
{
    return row >= 0 && std::size_t(row) < m_rows.size() ? &m_rows[std::size_t(row)] : nullptr;
}

static QString number(double v, int decimals)
{
    return std::isnan(v) ? Format::dash() : QString::number(v, 'f', decimals);
}

static QString small(int v)
{
    return v < 0 ? Format::dash() : QString::number(v);
}

QVariant TraceTableModel::data(const QModelIndex& index, int role) const
{
    const TraceRow* r = index.isValid() ? rowAt(index.row()) : nullptr;
    if (!r)
        return {};
    const int c = index.column();
    if (role == Qt::DisplayRole) {
        switch (c) {
        case Time:
            return std::isnan(r->time) ? Format::dash() : Format::shortTime(r->time);
        case Step:
            // An estimated step says so: "≈3" (exact ones, from the line or TensorBoard, plain).
            return r->step >= 0 && !TrainingBridge::stepExact(r->stepSource) ? u"≈"_s + small(r->step)
                                                                             : small(r->step);
        case Turn:
            return small(r->turn);
        case Level:
            return small(r->level);
        case Problem:
            return r->valid ? r->problem : tr("unreadable line");
        case Backend:
            return r->backend;
        case Status:
            return r->valid ? StatusStyle::label(r->status) : tr("unknown");
        case Speedup:
            return std::isnan(r->speedup) ? Format::dash() : Format::speedup(r->speedup);
        case Reward:
            return number(r->reward, 3);
        default:
            return {};
        }
    }
    if (role == Qt::UserRole) { // sort keys
        switch (c) {
        case Time:
            return r->time;
        case Step:
            return r->step;
        case Speedup:
            return r->speedup;
        case Reward:
            return r->reward;
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DecorationRole && c == Status)
        return StatusStyle::dot(r->status);
    if (role == Qt::TextAlignmentRole &&
        (c == Step || c == Turn || c == Level || c == Speedup || c == Reward))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && c == Status && r->cheated)
        return tr("flagged as cheating");
    if (role == Qt::ToolTipRole && c == Step)
        return stepExplanation(r->stepSource);
    if (role == Qt::ForegroundRole && c == Status && r->cheated)
        return StatusStyle::color(EvalStatus::Rejected);
    return {};
}

QString TraceTableModel::stepExplanation(StepSource s)
{
    return TrainingBridge::stepExplanation(s);
}

QVariant TraceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Step:
        return tr("Step");
    case Turn:
        return tr("Turn");
    case Level:
        return tr("Level");
    case Problem:
        return tr("Problem");
    case Backend:
        return tr("Backend");
    case Status:
        return tr("Status");
    case Speedup:
        return tr("Speedup");
    case Reward:
        return tr("Reward");
    default:
        return {};
    }
}

void TraceTableModel::appendRows(std::vector<TraceRow> rows)
{
    if (rows.empty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    endInsertRows();
}

void TraceTableModel::setSteps(std::size_t first, const std::vector<StepValue>& steps)
{
    if (first >= m_rows.size() || steps.empty())
        return;
    const std::size_t end = std::min(m_rows.size(), first + steps.size());
    for (std::size_t i = first; i < end; ++i) {
        m_rows[i].step = steps[i - first].step;
        m_rows[i].stepSource = steps[i - first].source;
    }
    Q_EMIT dataChanged(index(int(first), Step), index(int(end) - 1, Step),
                       {Qt::DisplayRole, Qt::UserRole, Qt::ToolTipRole, Qt::ForegroundRole});
}

void TraceTableModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace kw::ui
