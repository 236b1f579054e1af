#include "core/modal/ModalChecks.h"

#include "core/modal/ModalEndpointProbe.h"
#include "core/modal/ModalGpu.h"
#include "core/modal/ModalSecrets.h"
#include "core/modal/ModalTokenInfo.h"
#include "core/modal/ModalVersion.h"

namespace kw {

std::vector<ModalCheck> runModalChecks(const ModalCli& cli, const ModalConfig& config,
                                       const ModalCheckOptions& o,
                                       const std::function<void(const ModalCheck&)>& onCheck)
{
    std::vector<ModalCheck> out;
    auto report = [&](ModalCheck c) {
        if (onCheck)
            onCheck(c);
        out.push_back(std::move(c));
    };
    auto stopped = [&] { return o.stop && o.stop->load(); };

    ModalCheck cliCheck{
        "cli", "Modal CLI found (" + std::string(kModalMinVersion) + " or newer)", false, false, {}, {}};
    const auto version = cli.version(o.stop);
    cliCheck.ok = version.ok();
    cliCheck.detail = version.ok() ? cli.options().program + " " + version.value : version.diagnosis.summary;
    if (!version.ok())
        cliCheck.fix = version.diagnosis.fix;
    if (version.ok()) {
        if (auto problem = modalVersionProblem(version.value); !problem.empty()) {
            cliCheck.ok = false;
            cliCheck.detail += ": too old";
            cliCheck.fix = std::move(problem);
        }
    }
    report(cliCheck);
    if (stopped())
        return out;

    // A skipped check says which one it waits for (the Troubleshoot panel and `modal status`).
    ModalCheck token{"token",
                     "Modal token valid",
                     false,
                     !cliCheck.ok,
                     cliCheck.ok ? "" : "not checked: needs the Modal CLI (above)",
                     {}};
    ModalTokenSource tokenSource = ModalTokenSource::Profile;
    if (cliCheck.ok) {
        const auto info = cli.tokenInfo(o.stop);
        tokenSource = info.value.source;
        token.ok = info.ok();
        token.detail = info.ok()
                           ? maskModalToken(info.value.tokenId) + " in workspace " + info.value.workspace
                           : info.diagnosis.summary +
                                 (info.diagnosis.detail.empty() ? "" : ": " + info.diagnosis.detail);
        if (!info.ok())
            token.fix = info.diagnosis.fix;
    }
    report(token);
    if (stopped())
        return out;

    // kernel_rl's own Modal client reads only MODAL_TOKEN_ID / MODAL_TOKEN_SECRET, also after
    // `modal token new` wrote ~/.modal.toml.
    const std::string needsToken = "not checked: needs a valid Modal token (above)";
    ModalCheck trainEnv{"training_env", "Training code can authenticate", false,
                        !token.ok,      token.ok ? "" : needsToken,       {}};
    if (token.ok && o.trainingModalTimeoutS > 0) { // only asked about when a training config is in use
        const bool fromEnv = tokenSource == ModalTokenSource::Environment;
        trainEnv.ok = fromEnv;
        trainEnv.detail =
            fromEnv ? "MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are set"
                    : "the token comes from ~/.modal.toml; MODAL_TOKEN_ID / MODAL_TOKEN_SECRET are not set";
        if (!fromEnv)
            trainEnv.fix =
                "kernel_rl's Modal client needs them in its environment: export MODAL_TOKEN_ID and "
                "MODAL_TOKEN_SECRET (token_id / token_secret of the active profile in ~/.modal.toml) "
                "before starting training";
    }
    if (o.trainingModalTimeoutS > 0)
        report(trainEnv);

    ModalCheck app{"app",     "App '" + o.appName + "' deployed", false,
                   !token.ok, token.ok ? "" : needsToken,         {}};
    if (token.ok) {
        const auto apps = cli.listApps(o.stop);
        if (!apps.ok()) {
            app.detail = apps.diagnosis.summary;
            app.fix = apps.diagnosis.fix;
        } else if (auto a = findModalApp(apps.value, o.appName); a && a->isDeployed()) {
            app.ok = true;
            app.detail =
                a->appId + ", " + std::to_string(a->tasks) + " running task(s), deployed " + a->createdAt;
        } else {
            app.detail = a ? "state: " + a->state : "not in `modal app list`";
            app.fix = modalDiagnosisFor(ModalCause::AppNotFound).fix;
        }
    }
    report(app);
    if (stopped())
        return out;

    ModalCheck ep{"endpoint", "Endpoint reachable and authorised", false, false, {}, {}};
    ModalProbeResult probe;
    if (config.endpoint.empty()) {
        ep.detail = "no endpoint URL configured";
        ep.fix = "deploy (kernelwatch-cli modal deploy saves the URL) or pass --endpoint / set "
                 "KERNELWATCH_MODAL_ENDPOINT";
    } else {
        probe = probeModalEndpoint(config, 30, o.stop);
        ep.ok = probe.ok;
        ep.detail =
            config.endpoint + (probe.ok ? " answered in " + std::to_string(probe.seconds).substr(0, 4) + " s"
                                        : ": " + probe.diagnosis.summary);
        if (!probe.ok)
            ep.fix = probe.diagnosis.fix;
    }
    report(ep);
    if (stopped())
        return out;

    ModalCheck to{"timeout",
                  "Timeouts consistent",
                  false,
                  !probe.ok,
                  probe.ok ? "" : "not checked: needs the endpoint to answer (above)",
                  {}};
    if (probe.ok) {
        const int deployedMax = probe.info.value("max_timeout_s", 0);
        if (o.configuredTimeoutS <= 0) {
            to.ok = true;
            to.detail = "deployed maximum " + std::to_string(deployedMax) + " s";
        } else if (o.configuredTimeoutS <= deployedMax) {
            to.ok = true;
            to.detail = "configured " + std::to_string(o.configuredTimeoutS) +
                        " s within the deployed maximum " + std::to_string(deployedMax) + " s";
        } else {
            to.detail = "configured " + std::to_string(o.configuredTimeoutS) +
                        " s exceeds the deployed maximum " + std::to_string(deployedMax) +
                        " s (requests are clamped)";
            to.fix =
                "redeploy: kernelwatch-cli modal deploy --timeout " + std::to_string(o.configuredTimeoutS);
        }
    }
    report(to);

    if (o.trainingModalTimeoutS > 0) {
        ModalCheck legacy{"legacy_deadline", "Training modal_timeout fits the app", true, false, {}, {}};
        const auto notes = legacyDeadlineNotes(o.trainingModalTimeoutS, o.legacyDeadlineS);
        legacy.ok = notes.empty();
        legacy.detail =
            "modal_timeout " + std::to_string(static_cast<int>(o.trainingModalTimeoutS)) + " s" +
            (o.legacyDeadlineS > 0 ? ", legacy deadline " + std::to_string(o.legacyDeadlineS) + " s"
                                   : ", legacy deadline unknown (deploy from kernelwatch to record it)");
        for (const auto& n : notes)
            legacy.fix += (legacy.fix.empty() ? "" : "; ") + n;
        report(legacy);
    }

    ModalCheck gpu{"gpu", "GPU type valid", false, false, {}, {}};
    const auto spec = parseModalGpu(config.gpuType);
    gpu.ok = spec.ok();
    gpu.detail = spec.ok()
                     ? spec.canonical() + " (" + spec.gpu->arch + ", sm_" + std::to_string(spec.gpu->sm) +
                           ", $" + std::to_string(spec.gpu->usdPerSecond * spec.count * 3600).substr(0, 5) +
                           "/h)"
                     : spec.error;
    if (!spec.ok())
        gpu.fix = "use one of " + modalGpuNamesList();
    report(gpu);
    return out;
}

} // namespace kw
