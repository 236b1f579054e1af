#pragma once

#include <QString>

namespace kw::ui {

// Writes small run directories for --demo screenshots and tests in the shape kernel_rl's own
// single-turn training writes them (compare tests/fixtures/kernel_rl/runs/single_turn, written by
// kernel_rl's code): config.json, traces.jsonl records without a step field (the step is where
// the record's timestamp falls between metrics lines), one metrics.jsonl line per finished step
// with tinker_cookbook's keys, checkpoints.jsonl, all in Python's json.dumps layout.
class TrainingDemo
{
public:
    // Step duration in the written files: a rollout phase with the records, then training.
    static constexpr double kStepSeconds = 45.0;
    static constexpr double kRolloutSeconds = 35.0;

    // One run: `steps` steps of `linesPerStep` records each, step s from start + s * kStepSeconds;
    // seed varies the outcomes. The files' mtimes are the last step's end when that is past.
    static bool writeRun(const QString& dir, int steps, int linesPerStep, unsigned seed, double start);
    // Appends `lines` records to dir/traces.jsonl, timestamped from `start` on (3 s apart);
    // outcomes as a record of `step` would have (the file itself says no step).
    static bool appendLines(const QString& dir, int step, int lines, unsigned seed, double start);
};

} // namespace kw::ui
