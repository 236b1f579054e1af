#pragma once

#include <QString>

#include <atomic>
#include <cstdint>
#include <vector>

namespace kw {
class HistoryStore;
}

namespace kw::ui {

// Writes chosen evaluations from the store to CSV or JSONL, in time order, paging through
// the store so a million rows never sit in memory at once. Secrets (Modal tokens, proxy
// keys, anything that looks like one) are redacted; seed secrets are never stored at all.
// Blocking: run it off the UI thread.
class HistoryExporter
{
public:
    enum class Format
    {
        Csv,
        Jsonl,
        JsonlWithCode
    };
    struct Outcome
    {
        int written = 0;
        QString error; // empty on success
    };

    static Outcome run(const HistoryStore& store, std::vector<std::int64_t> rowIds, Format format,
                       const QString& path, const std::atomic<bool>* cancel = nullptr);
    static Format formatForPath(const QString& path); // by extension; .jsonl → Jsonl
};

} // namespace kw::ui
