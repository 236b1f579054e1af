#include "core/usecase/ModalDeployment.h"

#include "core/base/Paths.h"
#include "core/modal/ModalConfig.h"
#include "core/modal/ModalGpu.h"
#include "core/modal/ModalVersion.h"

#include <cstdio>

namespace kw {

namespace {

ModalDiagnosis refusal(std::string summary, std::string fix)
{
    ModalDiagnosis d;
    d.cause = ModalCause::UsageError;
    d.summary = std::move(summary);
    d.fix = std::move(fix);
    return d;
}

} // namespace

std::string ModalDeployOutcome::summary() const
{
    if (!ok())
        return "✗ " + diagnosis.message();
    std::string s;
    if (result.skipped) {
        s = "✓ Nothing changed: the deployed app is already this version";
    } else if (result.deploySeconds) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "✓ Deployed in %.1f s", *result.deploySeconds);
        s = buf;
    } else {
        s = "✓ Deployed";
    }
    if (saved)
        s += "; endpoint saved";
    else if (endpoint.empty())
        s += "; no web endpoint in the output";
    return s;
}

std::map<std::string, std::string> evaluatorDeployEnv(const ModalDeployRequest& r)
{
    return {{"KERNELWATCH_MODAL_GPU", r.gpu},
            {"KERNELWATCH_MODAL_TIMEOUT", std::to_string(r.timeoutS)},
            {"KERNELWATCH_MODAL_MAX_CONTAINERS", std::to_string(r.maxContainers)},
            {"KERNELWATCH_LEGACY_DEADLINE_S", std::to_string(r.legacyDeadlineS)}};
}

ModalLaunchPlan planEvaluatorLaunch(const ModalDeployRequest& request)
{
    ModalLaunchPlan plan;
    plan.file = request.file;
    if (plan.file.empty()) {
        const std::string dir = paths::evaluatorDir();
        if (dir.empty()) {
            plan.diagnosis = refusal("the evaluator folder was not found",
                                     "set KERNELWATCH_EVALUATOR_DIR, or pass the path of modal_app.py");
            return plan;
        }
        plan.file = dir + "/modal_app.py";
    }
    const auto spec = parseModalGpu(request.gpu);
    if (!spec.ok()) {
        plan.diagnosis = refusal(spec.error, "pick one of Modal's GPU types, e.g. H100, A100-80GB, L40S");
        return plan;
    }
    if (request.timeoutS < 10 || request.timeoutS > 86400) {
        plan.diagnosis = refusal("the evaluation limit must be 10 to 86400 s (Modal's limit is 24 h)",
                                 "choose a timeout in that range");
        return plan;
    }
    if (request.legacyDeadlineS < kLegacyMarginS + 10 || request.legacyDeadlineS > 86400) {
        plan.diagnosis =
            refusal("the legacy deadline must be " + std::to_string(kLegacyMarginS + 10) + " to 86400 s",
                    "set it to the modal_timeout your training config passes (kernel_rl: 60)");
        return plan;
    }
    if (request.maxContainers < 1 || request.maxContainers > 1000) {
        plan.diagnosis = refusal("max containers must be 1 to 1000", "choose a cap in that range");
        return plan;
    }
    plan.gpu = spec.canonical();
    ModalDeployRequest canonical = request;
    canonical.gpu = plan.gpu;
    plan.env = evaluatorDeployEnv(canonical);
    return plan;
}

ModalDeployOutcome deployEvaluator(const ModalCli& cli, const ModalDeployRequest& request,
                                   const ModalCli::LineFn& onLine, const std::atomic<bool>* stop)
{
    ModalDeployOutcome out;
    const ModalLaunchPlan plan = planEvaluatorLaunch(request);
    out.file = plan.file;
    out.gpu = plan.gpu;
    if (!plan.ok()) {
        out.diagnosis = plan.diagnosis;
        return out;
    }
    const auto version = cli.version();
    if (!version.ok()) {
        out.diagnosis = version.diagnosis;
        return out;
    }
    if (auto problem = modalVersionProblem(version.value); !problem.empty()) {
        out.diagnosis = refusal("the modal client is too old (" + version.value + ")", problem);
        return out;
    }
    auto r = cli.deploy(plan.file, plan.env, onLine, stop);
    out.result = r.value;
    if (!r.ok()) {
        out.diagnosis = r.diagnosis;
        return out;
    }
    out.endpoint = modalEndpointUrl(r.value);
    out.saved = !out.endpoint.empty() &&
                saveModalEndpoint(out.endpoint, plan.gpu, request.timeoutS, request.legacyDeadlineS);
    return out;
}

} // namespace kw
