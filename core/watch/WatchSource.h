#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kw {

struct PollStatus
{
    bool progressed = false; // something new was read
    bool more = false;       // work is left that did not fit the budget: poll again soon
};

// Something that WatchLoop polls: a run directory, a runs root. poll() does a bounded amount of
// work (about byteBudget bytes of input) so that no step stalls its thread for long.
class WatchSource
{
public:
    virtual ~WatchSource() = default;
    virtual PollStatus poll(std::size_t byteBudget) = 0;
    // Directories whose changes should wake the loop early (inotify, where available).
    virtual std::vector<std::string> watchedDirs() const = 0;
};

} // namespace kw
