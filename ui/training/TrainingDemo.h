#pragma once

#include <QString>

namespace kw::ui {

// Writes small kernel_rl-shaped run directories (traces.jsonl, metrics.jsonl) for --demo
// screenshots and tests, in the shape of tests/fixtures/runs/make_run.py.
class TrainingDemo
{
public:
    // One run: `steps` steps of `linesPerStep` trace lines each; seed varies the outcomes.
    static bool writeRun(const QString& dir, int steps, int linesPerStep, unsigned seed, double start);
    // Appends `lines` trace lines of `step` to dir/traces.jsonl.
    static bool appendLines(const QString& dir, int step, int lines, unsigned seed, double start);
};

} // namespace kw::ui
