#pragma once

#include "core/model/EvalResult.h"

#include <cstdint>
#include <limits>

namespace kw::ui {

// One evaluation as the table and charts need it: no code, no logs, strings interned.
// 88 bytes; optional numbers are NaN when absent. Details load from the store by rowId.
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
    std::uint8_t notRun : 2 = 0;    // EvalResult::notRunReason: 0 ran, 1 setup, 2 too large
    std::uint8_t spareBits : 2 = 0;
    // Issue 17: the speedup against torch.compile, speed of light, and the fast_p verdicts.
    float compileSpeedup = kNone;
    float solPercent = kNone;
    float intensity = kNone;     // FLOP per byte
    float achievedFlops = kNone; // FLOP/s
    std::uint8_t wins = 0;       // 2 bits (a kw::WinVerdict) per baseline and p, see verdict()
    std::uint8_t solBound = 0;   // 0 none, 1 memory, 2 compute
    bool fasterThanLight = false;
    std::uint8_t padding[5] = {}; // explicit, so merge()'s memcmp never reads indeterminate bytes

    static constexpr int kThresholdCount = 2; // p = 1, 2 (fast_0 is "correct")
    // Two bits each: 0 Unknown (also what a zeroed row says), 1 Win, 2 NotAWin.
    WinVerdict verdict(Baseline b, int thresholdIndex) const
    {
        const unsigned code = (wins >> shift(b, thresholdIndex)) & 3u;
        return code == 1 ? WinVerdict::Win : code == 2 ? WinVerdict::NotAWin : WinVerdict::Unknown;
    }
    void setVerdict(Baseline b, int thresholdIndex, WinVerdict v)
    {
        const unsigned code = v == WinVerdict::Win ? 1u : v == WinVerdict::NotAWin ? 2u : 0u;
        const int s = shift(b, thresholdIndex);
        wins = static_cast<std::uint8_t>((wins & ~(3u << s)) | (code << s));
    }
    static int shift(Baseline b, int thresholdIndex)
    {
        return 2 * (static_cast<int>(b) * kThresholdCount + thresholdIndex);
    }
    float speedupAgainst(Baseline b) const { return b == Baseline::Compile ? compileSpeedup : speedup; }
    bool countsInScores() const { return !cancelled && !notRun; } // HistoryRow::countsInScores
};

static_assert(sizeof(CompactRow) == 88, "keep rows small: a million of them live in memory");

} // namespace kw::ui
