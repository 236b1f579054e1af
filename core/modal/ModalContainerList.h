#pragma once

#include "core/modal/ModalParsed.h"

#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One row of `modal container list --json`. The rows come in the client's order, which is no
// particular one (the recordings show a running container before a pending one): sort them
// where an order matters.
struct ModalContainer
{
    std::string containerId; // "ta-..."
    std::string appId;
    std::string appName;
    std::string startTime; // "YYYY-MM-DD HH:MM:SS±HH:MM"; empty while pending
    bool pending = false;  // start_time was "Pending"
};

ModalParsed<std::vector<ModalContainer>> parseModalContainerList(std::string_view text);

} // namespace kw
