#include "core/modal/ModalResponse.h"

#include "core/modal/ModalPricing.h"

namespace kw {

EvalResult modalFailureResult(const EvalRequest& req, const ModalDiagnosis& d)
{
    EvalResult r = EvalResult::infraError(req, d.message());
    r.metadata["modal_cause"] = std::string(modalCauseName(d.cause));
    if (!d.detail.empty())
        r.metadata["modal_detail"] = d.detail;
    return r;
}

EvalResult modalResultFromBody(const EvalRequest& req, std::string_view body)
{
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        ModalDiagnosis d = modalDiagnosisFor(ModalCause::ServerError, std::string(body.substr(0, 200)));
        d.summary = j.is_discarded() ? "the Modal endpoint returned invalid or truncated JSON (" +
                                           std::to_string(body.size()) + " bytes)"
                                     : "the Modal endpoint returned JSON that is not a result object";
        d.fix =
            "check that the deployed app matches this kernelwatch (redeploy: kernelwatch-cli modal deploy) "
            "and look at its logs (kernelwatch-cli modal logs)";
        return modalFailureResult(req, d);
    }
    // FastAPI's own errors ({"detail": ...}) are not results.
    if (!j.contains("status") && !j.contains("compiled") && j.contains("detail")) {
        ModalDiagnosis d = modalDiagnosisFor(ModalCause::Unknown, j["detail"].dump().substr(0, 300));
        d.summary = "the Modal endpoint rejected the request";
        d.fix = "redeploy the app so it matches this kernelwatch (kernelwatch-cli modal deploy)";
        return modalFailureResult(req, d);
    }
    EvalResult r = resultFromJson(j);
    if (r.status == EvalStatus::Unknown) {
        ModalDiagnosis d = modalDiagnosisFor(ModalCause::ServerError, j.dump().substr(0, 200));
        d.summary = "the Modal endpoint's answer has no status";
        d.fix = "redeploy the app so it matches this kernelwatch (kernelwatch-cli modal deploy)";
        return modalFailureResult(req, d);
    }
    return r;
}

void finishModalResult(EvalResult& r, const EvalRequest& req, double createdAt, double finishedAt)
{
    r.id = req.id;
    r.request = req;
    r.request.seedSecret.clear();
    r.createdAt = createdAt;
    r.finishedAt = finishedAt;
    if (r.codeLength == 0)
        r.codeLength = static_cast<long long>(req.kernelCode.size());
    if (r.device.target.empty() || r.device.target.rfind("modal:", 0) != 0)
        r.device.target = "modal:" + req.gpuType;
    // Priced with the GPU the container really had (the app reports it: H100 may run on H200),
    // not the one asked for. What the figure covers is said with it: Modal also bills the cold
    // start, @modal.enter, the idle tail up to scaledown_window, CPU and memory.
    const std::string gpu = r.device.target.substr(6);
    if (!r.costUsd && r.status != EvalStatus::InfraError) {
        r.costUsd = modalCostUsd(gpu.empty() ? req.gpuType : gpu, modalGpuSeconds(r));
        if (r.costUsd) {
            if (!r.metadata.is_object())
                r.metadata = nlohmann::json::object();
            r.metadata["cost_covers"] = "GPU seconds of this evaluation at the list price; cold start, "
                                        "idle time until scale-down, CPU and memory are billed on top";
        }
    }
}

} // namespace kw
