#pragma once

#include "core/base/FileTailer.h"
#include "core/watch/MetricsRecord.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kw {

// The metrics.jsonl side of a RunDirWatcher poll: parses each line the tailer delivers and
// collects the valid records and the reasons for the others, one batch per poll.
class MetricsLineCollector : public FileTailer::Sink
{
public:
    void onLine(std::uint64_t offset, std::uint32_t lineNo, std::string_view line) override;
    void onOverlongLine(std::uint64_t offset, std::uint32_t lineNo, std::uint64_t length) override;
    void onReset(TailReset why) override;
    void clear(); // the batch (not the resets)

    std::vector<MetricsRecord> records;
    std::map<std::string, std::uint64_t> notes;
    std::uint64_t lines = 0; // non-blank lines seen
    std::vector<TailReset> resets;
};

} // namespace kw
