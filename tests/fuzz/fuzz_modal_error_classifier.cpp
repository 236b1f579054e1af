// libFuzzer target: classifyModalOutput/classifyModalHttp, error box, secret redaction, endpoint answer
// parsing.
#include "core/modal/ModalErrorBox.h"
#include "core/modal/ModalErrorClassifier.h"
#include "core/modal/ModalResponse.h"
#include "core/modal/ModalSecrets.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (int code : {0, 1, 2, 124, 127}) {
        auto d = kw::classifyModalOutput(text, code);
        if (code == 0 && d.cause != kw::ModalCause::None && d.detail.size() > 520)
            __builtin_trap();
    }
    for (long status : {200L, 303L, 401L, 404L, 429L, 500L, 504L, 418L})
        (void)kw::classifyModalHttp(status, text);
    (void)kw::extractModalErrorBox(text);
    (void)kw::lastTracebackLine(text);
    const std::string red = kw::redactModalSecrets(text, {"ws-fuzz-secret-value"});
    if (red.find("ws-fuzz-secret-value") != std::string::npos)
        __builtin_trap();
    kw::EvalRequest req;
    req.id = "fuzz";
    req.gpuType = "H100";
    auto r = kw::modalResultFromBody(req, text); // the endpoint answer parser
    kw::finishModalResult(r, req, 0, 1);
    return 0;
}
