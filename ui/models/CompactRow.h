#pragma once

#include <cstdint>
#include <limits>

namespace kw::ui {

// One evaluation as the table and charts need it: no code, no logs, strings interned.
// 64 bytes; optional numbers are NaN when absent. Details load from the store by rowId.
struct CompactRow
{
    static constexpr float kNone = std::numeric_limits<float>::quiet_NaN();

    std::int64_t rowId = 0;
    double createdAt = 0; // unix seconds
    float durationS = kNone;
    float speedup = kNone;
    float runtimeMs = kNone;
    float baselineMs = kNone;
    float costUsd = kNone;
    float reward = kNone;
    std::uint32_t problem = 0; // StringPool indices
    std::uint32_t run = 0;
    std::int32_t step = -1;
    std::int16_t turn = -1;
    std::uint16_t source = 0;
    std::uint16_t backend = 0;
    std::uint16_t target = 0;
    std::uint16_t gpu = 0;
    std::uint8_t status = 0; // kw::EvalStatus
    // One byte, every bit named and set (merge compares rows with memcmp).
    std::uint8_t cheated : 1 = 0;
    std::uint8_t win : 2 = 2;       // kw::WinVerdict of the eager speedup (2: Unknown)
    std::uint8_t cancelled : 1 = 0; // stopped by Cancel: shown neutrally, not as an infra error
    std::uint8_t spareBits : 4 = 0;
};

static_assert(sizeof(CompactRow) <= 64, "keep rows small: a million of them live in memory");

} // namespace kw::ui
