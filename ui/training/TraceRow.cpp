#include "ui/training/TraceRow.h"

#include "core/watch/TraceRecord.h"

namespace kw::ui {

TraceRow TraceRow::from(const TraceRecord& r)
{
    TraceRow row;
    row.time = r.timestamp;
    row.reward = r.reward;
    row.speedup = r.speedup;
    row.runtimeMs = r.runtimeMs;
    row.problem = QString::fromStdString(r.problem());
    row.backend = QString::fromUtf8(r.backend.data(), qsizetype(r.backend.size()));
    row.offset = r.offset;
    row.idHash = r.idHash;
    row.length = r.length;
    row.step = r.step;
    row.stepSource = r.stepSource;
    row.turn = r.turn;
    row.level = r.level;
    row.status = r.status;
    row.valid = r.valid();
    row.compiled = r.compiled;
    row.correct = r.correctness;
    row.cheated = r.cheated;
    return row;
}

} // namespace kw::ui
