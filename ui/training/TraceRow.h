#pragma once

#include "core/model/EvalStatus.h"

#include <QString>

#include <cstdint>

namespace kw {
enum class StepSource : std::uint8_t; // core/watch/TraceRecord.h
}

namespace kw::ui {

// One table row of a training run: a copy of what the table and the charts show (the core's
// TraceRecord holds views into its watcher's interner, which may go away before the row does),
// plus where the line lives so details can be loaded on demand. TrainingBridge fills it in.
struct TraceRow
{
    double time = 0;      // unix seconds, NaN when absent
    double reward = 0;    // NaN when absent
    double speedup = 0;   // NaN when absent
    double runtimeMs = 0; // NaN when absent
    QString problem;      // "level1/19"
    QString backend;
    std::uint64_t offset = 0, idHash = 0;
    std::uint32_t length = 0;
    std::int32_t step = -1;
    StepSource stepSource{}; // None
    std::int16_t turn = -1, level = -1;
    EvalStatus status = EvalStatus::Unknown;
    bool valid = false, compiled = false, correct = false, cheated = false;
};

} // namespace kw::ui
