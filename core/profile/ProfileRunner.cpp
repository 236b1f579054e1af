#include "core/profile/ProfileRunner.h"

#include "core/base/AtomicFile.h"
#include "core/base/Paths.h"
#include "core/base/Subprocess.h"
#include "core/local/PythonFinder.h"
#include "core/profile/NcuDetailsParser.h"
#include "core/profile/NcuFinder.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

namespace kw::profile {
namespace {

double nowS()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string tail(const std::string& s, std::size_t n)
{
    return s.size() <= n ? s : "…" + s.substr(s.size() - n);
}

// cuda:N -> N; "cuda" -> 0; anything else -> -1.
int cudaIndex(const std::string& device)
{
    if (device == "cuda")
        return 0;
    if (device.rfind("cuda:", 0) != 0 || device.size() == 5)
        return -1;
    for (std::size_t i = 5; i < device.size(); ++i)
        if (device[i] < '0' || device[i] > '9')
            return -1;
    return std::stoi(device.substr(5));
}

ProfileReport failed(ProfileReport r, ProfileError e, std::string message)
{
    r.error = e;
    r.errorMessage = std::move(message);
    return r;
}

} // namespace

std::string profileRefusal(const EvalResult& r)
{
    const bool cpu = r.device.target == "cpu" || r.device.arch == "cpu" || r.request.device == "cpu" ||
                     r.device.name.rfind("cpu", 0) == 0;
    if (cpu)
        return "this result ran on the CPU (" + (r.device.name.empty() ? std::string("cpu") : r.device.name) +
               "): Nsight Compute profiles CUDA kernels only. Evaluate the kernel on a GPU (device cuda:N) "
               "and "
               "profile that result, or profile the code directly: kernelwatch-cli profile --ref R --kernel "
               "K "
               "--device cuda:0.";
    if (r.request.kernelCode.empty() || r.request.refCode.empty())
        return "this result has no stored code (kernel or reference), so there is nothing to profile.";
    return {};
}

std::vector<std::string> profileCommand(const std::string& ncu, const std::string& python,
                                        const std::string& requestPath, const std::string& statusPath,
                                        const std::string& cacheDir, const ProfileOptions& o)
{
    std::vector<std::string> argv{ncu,  "--nvtx", "--nvtx-include",    std::string(kNvtxRange) + "/",
                                  "-f", "-o",     o.outDir + "/report"};
    for (const char* s :
         {"SpeedOfLight", "Occupancy", "LaunchStats", "MemoryWorkloadAnalysis", "ComputeWorkloadAnalysis"}) {
        argv.emplace_back("--section");
        argv.emplace_back(s);
    }
    for (const std::string& a :
         {python, std::string("-m"), std::string("kernelwatch_eval.profile_one"), std::string("--request"),
          requestPath, std::string("--status"), statusPath, std::string("--target"), o.device,
          std::string("--cache-dir"), cacheDir, std::string("--warmup"), std::to_string(o.warmupCalls),
          std::string("--calls"), std::to_string(o.profiledCalls)})
        argv.push_back(a);
    if (!o.sandbox)
        argv.emplace_back("--no-sandbox");
    return argv;
}

ProfileReport runProfile(const EvalRequest& request, const ProfileOptions& o)
{
    const double t0 = nowS();
    ProfileReport r;
    r.resultId = request.id;
    r.problem = request.problem;
    r.device = o.device;
    r.backend = request.backend;
    r.createdAt = t0;
    auto finish = [&](ProfileReport rep) {
        // ncu's scratch folder (TMPDIR) lives until the report is read back: `ncu --import` needs
        // it too ("Failed to create temporary file" otherwise, seen on the H100).
        std::error_code ignored;
        if (!o.outDir.empty())
            std::filesystem::remove_all(o.outDir + "/tmp", ignored);
        rep.wallS = nowS() - t0;
        return rep;
    };
    const int index = cudaIndex(o.device);
    if (index < 0)
        return finish(failed(r, ProfileError::BadInput,
                             "device '" + o.device +
                                 "' is not a GPU: Nsight Compute profiles CUDA kernels only. Use cuda:N."));
    if (request.kernelCode.empty() || request.refCode.empty())
        return finish(
            failed(r, ProfileError::BadInput, "both the reference and the kernel code are needed."));
    if (o.outDir.empty() || !paths::makeDirs(o.outDir + "/tmp"))
        return finish(
            failed(r, ProfileError::BadInput,
                   "cannot create the profile folder '" + o.outDir + "': check that it is writable."));
    const childenv::Env base = o.env.empty() ? childenv::current() : o.env;
    const NcuLocation ncu = findNcu(o.ncu, base);
    if (ncu.path.empty())
        return finish(failed(r, ProfileError::NcuMissing, ncu.message()));
    r.ncuPath = ncu.path;
    const std::string evalDir = o.evaluatorDir.empty() ? paths::evaluatorDir() : o.evaluatorDir;
    if (evalDir.empty())
        return finish(failed(r, ProfileError::BadInput,
                             "the kernelwatch_eval package was not found: reinstall kernelwatch or set "
                             "KERNELWATCH_EVALUATOR_DIR."));
    std::string python = o.python;
    if (python.empty()) {
        const PythonProbe probe = findPython("", evalDir);
        if (!probe.ok)
            return finish(failed(r, ProfileError::BadInput, probe.error));
        if (probe.gpus.empty())
            return finish(
                failed(r, ProfileError::NoGpu,
                       "no GPU is visible to torch (" + probe.path +
                           "), so there is nothing to profile on. Profile on a machine with an NVIDIA "
                           "GPU and a CUDA build of torch."));
        python = probe.path;
    }
    const std::string cacheDir = o.cacheDir.empty() ? paths::cacheDir() + "/compile" : o.cacheDir;
    const std::string requestPath = o.outDir + "/request.json", statusPath = o.outDir + "/status.json";
    nlohmann::json req = request;
    req.erase("seed_secret");
    if (auto err = writeFileAtomically(requestPath, req.dump()); !err.empty())
        return finish(failed(r, ProfileError::BadInput, "cannot write " + requestPath + ": " + err));
    std::error_code ec;
    std::filesystem::remove(statusPath, ec);
    std::filesystem::remove(o.outDir + "/report.ncu-rep", ec);

    childenv::Env env = childenv::forZygote(
        base, evalDir, childenv::cudaVisibleFor(index, childenv::get(base, "CUDA_VISIBLE_DEVICES")));
    childenv::set(env, "TMPDIR", o.outDir + "/tmp");
    SpawnOptions vo;
    vo.argv = {ncu.path, "--version"};
    vo.env = env;
    vo.pipeStdin = false;
    if (auto version = runProgram(vo, {}, 30); version.startError.empty())
        r.ncuVersion = parseNcuVersion(version.out);

    SpawnOptions so;
    so.argv = profileCommand(ncu.path, python, requestPath, statusPath, cacheDir, o);
    so.env = env;
    so.pipeStdin = false;
    r.command = so.argv;
    const ProgramOutput run = runProgram(so, {}, o.timeoutS);
    r.log = tail(run.out + (run.err.empty() ? "" : "\n" + run.err), 12000);
    std::filesystem::remove(requestPath, ec);
    if (!run.startError.empty())
        return finish(
            failed(r, ProfileError::NcuMissing, "could not start ncu (" + ncu.path + "): " + run.startError));
    if (run.timedOut)
        return finish(
            failed(r, ProfileError::Timeout,
                   "the profile did not finish within " + std::to_string(int(o.timeoutS)) +
                       " s and was stopped (ncu replays every kernel once per metric pass, so a kernel "
                       "that takes long, or launches many kernels, profiles slowly). Raise the "
                       "timeout (--timeout S) or profile fewer calls (--calls 1)."));
    // What profile_one itself said (the candidate's build or run failed, no GPU) comes first: it
    // is more precise than ncu's "The application returned an error code".
    std::string statusText;
    if (readWholeFile(statusPath, statusText).empty()) {
        auto st = nlohmann::json::parse(statusText, nullptr, false);
        if (st.is_object() && !st.value("ok", true)) {
            const std::string kind = st.value("error_kind", "");
            return finish(failed(r, kind == "no_gpu" ? ProfileError::NoGpu : ProfileError::ProgramFailed,
                                 st.value("message", std::string("the profiled program failed"))));
        }
    }
    const NcuDiagnosis diag = diagnoseNcuOutput(run.out, run.err);
    if (diag.error != ProfileError::None)
        return finish(failed(r, diag.error, diag.message));
    if (!run.status.ok())
        return finish(failed(r, ProfileError::ProgramFailed,
                             "ncu ended with " + run.status.describe() + "; its output is in the log."));
    const std::string report = o.outDir + "/report.ncu-rep";
    if (!std::filesystem::exists(report, ec))
        return finish(failed(r, ProfileError::NoKernels,
                             "ncu wrote no report: no kernel was profiled (its output is in the log)."));
    r.reportPath = report;
    SpawnOptions imp;
    imp.argv = {ncu.path, "--import", report, "--csv", "--page", "details"};
    imp.env = env;
    imp.pipeStdin = false;
    const ProgramOutput details = runProgram(imp, {}, 120, 64 << 20);
    if (!details.startError.empty() || details.timedOut || !details.status.ok())
        return finish(failed(r, ProfileError::Unreadable,
                             "ncu could not read back its report " + report + " (" +
                                 (details.timedOut ? std::string("timed out") : details.status.describe()) +
                                 "): " + tail(details.out + details.err, 400)));
    NcuDetails parsed = parseNcuDetails(details.out, details.err);
    if (parsed.error != ProfileError::None)
        return finish(failed(r, parsed.error, parsed.message));
    r.launches = std::move(parsed.launches);
    return finish(r);
}

} // namespace kw::profile
