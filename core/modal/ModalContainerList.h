#pragma once

#include "ModalParsed.h"

#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One row of `modal container list --json` (newest first, as Modal prints them).
struct ModalContainer
{
    std::string containerId; // "ta-..."
    std::string appId;
    std::string appName;
    std::string startTime; // empty while pending
    bool pending = false;  // start_time was "Pending"
};

ModalParsed<std::vector<ModalContainer>> parseModalContainerList(std::string_view text);

} // namespace kw
