#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kw {

// What step timing a TensorBoard event file holds: one file per writer process (tinker_cookbook's
// logger opens one in `tensorboard/` when kernel_rl starts, so each file is one process lifetime).
struct TensorboardStepTimes
{
    double start = 0; // wall time of the first event (file_version, written when the writer opens)
    bool hasStart = false;
    // (step, wall time of the first summary event of that step), in file order; a step logged
    // twice by the same writer keeps its first time.
    std::vector<std::pair<std::int64_t, double>> steps;
    bool truncated = false; // the file ends inside a record (unflushed or cut): the rest is ignored
    bool invalid = false;   // not a TFRecord stream
};

// Pure parser of a TFRecord stream of tensorflow.Event protos: each record is a little-endian
// uint64 length, a uint32 masked CRC of it, the payload and a uint32 masked CRC. Of each Event it
// reads wall_time (field 1, double), step (field 2, varint) and whether it has a summary (field 5)
// or a file_version (field 3); everything else is skipped. CRCs are not checked: a cut record is
// recognised by its length. Never throws; any input is safe.
TensorboardStepTimes parseTensorboardEvents(std::string_view bytes);

} // namespace kw
