// kernelwatch-cli watch: follow a kernel_rl run directory (or a directory of runs), or the Modal
// deployment's log stream (--modal), and print each evaluation as it appears; results go to the
// history store.
#include "app/cli/ArgParser.h"
#include "app/cli/CliSettings.h"
#include "app/cli/Command.h"
#include "core/modal/ModalLogFollower.h"
#include "core/model/HistoryStore.h"
#include "core/usecase/RunAlerts.h"
#include "core/watch/RunDirWatcher.h"
#include "core/watch/RunsRootWatcher.h"
#include "core/watch/WatchSummary.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <thread>

namespace kw::cli {
namespace {

std::atomic<bool> g_stop{false};

void onSignal(int)
{
    g_stop = true;
}

bool isDir(const std::string& p)
{
    struct stat st
    {
    };
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool isFile(const std::string& p)
{
    struct stat st
    {
    };
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string timeText(double t)
{
    if (!(t > 0))
        return "-";
    const std::time_t s = static_cast<std::time_t>(t);
    std::tm tm{};
    localtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string dump(const nlohmann::json& j)
{
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class Printer
{
public:
    Printer(bool json, WatchSummary& summary) : m_json(json), m_summary(summary) {}

    void results(const std::vector<EvalResult>& results)
    {
        for (const EvalResult& r : results) {
            m_summary.addResult(r);
            const auto reward = r.metadata.find("reward");
            const double rw = reward != r.metadata.end() && reward->is_number() ? reward->get<double>() : NAN;
            if (m_json) {
                nlohmann::json j = toJson(r, false);
                j["run"] = r.request.run;
                j["step"] = r.request.step;
                j["turn"] = r.request.turn;
                j["problem"] = r.request.problem;
                j["reward"] = std::isfinite(rw) ? nlohmann::json(rw) : nlohmann::json(nullptr);
                std::printf("%s\n", dump(j).c_str());
            } else {
                char speed[32] = "-";
                if (r.speedup)
                    std::snprintf(speed, sizeof speed, "%.3fx", *r.speedup);
                char rew[32] = "-";
                if (std::isfinite(rw))
                    std::snprintf(rew, sizeof rew, "%.3f", rw);
                std::printf("%s  %-16s step %-5d turn %-2d %-28s %-8s %-14s %10s  reward %s\n",
                            timeText(r.createdAt).c_str(), r.request.run.c_str(), r.request.step,
                            r.request.turn, r.request.problem.c_str(), r.request.backend.c_str(),
                            std::string(statusName(r.status)).c_str(), speed, rew);
            }
        }
        std::fflush(stdout);
    }

    void rows(const TraceBatch& b)
    {
        for (const TraceRecord& rec : b.records) {
            if (rec.valid())
                continue;
            if (++m_skippedShown <= 50)
                std::fprintf(stderr, "%s: traces.jsonl line %u (offset %llu): skipped, %s\n", b.run.c_str(),
                             rec.lineNo + 1, static_cast<unsigned long long>(rec.offset),
                             std::string(traceIssueReason(rec.issue)).c_str());
            else if (m_skippedShown == 51)
                std::fprintf(stderr, "(further skipped lines are only counted; see the summary)\n");
        }
    }

private:
    bool m_json;
    WatchSummary& m_summary;
    unsigned m_skippedShown = 0;
};

std::unique_ptr<HistoryStore> openStore(const ArgParser& p, bool& failed)
{
    failed = false;
    if (p.has("no-store"))
        return nullptr;
    try {
        return std::make_unique<HistoryStore>(resolveSettings(p).historyPath.value);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kernelwatch-cli watch: %s\n", e.what());
        failed = true;
        return nullptr;
    }
}

// The deployed evaluator's log stream: KERNELWATCH_EVAL lines become results (stored, then
// printed); the stream reconnects with a backoff when it ends; until Ctrl-C.
int watchModal(const ArgParser& p)
{
    bool storeFailedToOpen = false;
    std::unique_ptr<HistoryStore> store = openStore(p, storeFailedToOpen);
    if (storeFailedToOpen)
        return ExitInfra;
    const bool json = p.has("json"), logs = p.has("logs");
    WatchSummary summary;
    Printer printer(json, summary);
    std::mutex printing;
    bool storeFailed = false;
    ModalLogFollower::Options o;
    o.app = p.valueOr("app", o.app);
    o.store = store.get();
    ModalLogFollower::Callbacks cb;
    cb.onResults = [&](const ModalLogFollower::ResultBatch& b) {
        std::lock_guard lock(printing);
        printer.results(b.results);
    };
    cb.onLines = [&](const std::vector<ModalLogLine>& lines) {
        if (!logs)
            return;
        std::lock_guard lock(printing);
        for (const ModalLogLine& l : lines)
            std::fprintf(stderr, "%s %s\n", l.containerId.c_str(), l.message.c_str());
    };
    cb.onStream = [&](const ModalLogFollower::StreamEvent& e) {
        std::lock_guard lock(printing);
        if (e.connected)
            std::fprintf(stderr, "following the logs of %s\n", o.app.c_str());
        else if (!e.diagnosis.ok())
            std::fprintf(stderr, "log stream ended: %s; retrying in %.0f s\n", e.diagnosis.message().c_str(),
                         e.retryInS);
        else
            std::fprintf(stderr, "log stream ended after %ld lines; reconnecting in %.0f s\n", e.linesSeen,
                         e.retryInS);
    };
    cb.onError = [&](const std::string& msg) {
        std::lock_guard lock(printing);
        if (msg.find("store") != std::string::npos)
            storeFailed = true;
        std::fprintf(stderr, "%s\n", msg.c_str());
    };
    ModalLogFollower follower(ModalCli(), o, cb);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    follower.start();
    while (!g_stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    follower.stop();
    const auto st = follower.stats();
    std::lock_guard lock(printing);
    std::fprintf(
        stderr, "%llu log lines, %llu results (%llu seen twice), %llu unreadable payloads, %llu connects\n",
        static_cast<unsigned long long>(st.lines), static_cast<unsigned long long>(st.results),
        static_cast<unsigned long long>(st.duplicates), static_cast<unsigned long long>(st.badPayloads),
        static_cast<unsigned long long>(st.connects));
    if (json)
        std::fprintf(stderr, "%s\n", dump(nlohmann::json{{"summary", summary.toJson()}}).c_str());
    else
        std::printf("%s", summary.toText().c_str());
    std::fflush(stdout);
    return storeFailed ? ExitInfra : ExitInterrupted;
}

int runWatch(const std::vector<std::string>& args)
{
    ArgParser p;
    p.flag("once", "print what is there now, then a summary, and exit")
        .flag("json", "one EvalResult-shaped JSON object per line (run, step, turn, problem, reward added)")
        .option("db", "PATH", "history store (default: " + HistoryStore::defaultPath() + ")")
        .flag("no-store", "do not write results to the history store")
        .option("interval", "MS", "poll interval when idle (default 250)")
        .option("stall", "S", "alert when a live run writes no trace line for S seconds (default 300)")
        .flag("modal", "follow the deployed evaluator's log stream instead of a run directory")
        .option("app", "NAME", "with --modal: the Modal app (default kernel-rl-evaluator)")
        .flag("logs", "with --modal: also print the other log lines (stderr)")
        .flag("help", "show this help");
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli watch: %s\n", p.error().c_str());
        return ExitUsage;
    }
    if (p.has("help")) {
        std::printf(
            "usage: kernelwatch-cli watch RUN_DIR [options]\n"
            "       kernelwatch-cli watch --modal [--app NAME] [--logs] [--json] [--db PATH] [--no-store]\n\n"
            "RUN_DIR is a kernel_rl run directory (traces.jsonl, metrics.jsonl) or a directory of runs.\n"
            "--modal follows `modal app logs APP -f` (reconnecting when it ends) until Ctrl-C: each\n"
            "KERNELWATCH_EVAL line becomes a result with its container id.\n"
            "Skipped lines are reported on stderr; the summary goes to stdout (stderr with --json).\n\n%s",
            p.helpText().c_str());
        return ExitOk;
    }
    if (p.has("modal")) {
        if (!p.positionals().empty() || p.has("once")) {
            std::fprintf(stderr,
                         "kernelwatch-cli watch: --modal takes no RUN_DIR and no --once (see --help)\n");
            return ExitUsage;
        }
        return watchModal(p);
    }
    if (p.positionals().size() != 1) {
        std::fprintf(stderr, "kernelwatch-cli watch: give one RUN_DIR (see --help)\n");
        return ExitUsage;
    }
    const std::string dir = p.positionals().front();
    if (!isDir(dir)) {
        std::fprintf(stderr, "kernelwatch-cli watch: %s is not a directory\n", dir.c_str());
        return ExitUsage;
    }
    auto interval = p.has("interval") ? p.intValue("interval", 10, 60000) : std::optional<int>(250);
    if (!interval) {
        std::fprintf(stderr, "kernelwatch-cli watch: %s\n", p.error().c_str());
        return ExitUsage;
    }
    const bool once = p.has("once"), json = p.has("json");
    RunAlertRules alertRules;
    if (p.has("stall")) {
        const auto stall = p.intValue("stall", 10, 7 * 86400);
        if (!stall) {
            std::fprintf(stderr, "kernelwatch-cli watch: %s\n", p.error().c_str());
            return ExitUsage;
        }
        alertRules.stallSeconds = *stall;
    }
    RunAlertMonitor alerts(alertRules); // the Training panel's rules and words
    auto printAlerts = [&](bool withStalls) {
        for (const RunAlert& a : alerts.poll(nowUnixSeconds())) {
            if (!withStalls && a.kind == RunAlert::Kind::Stall)
                continue;
            if (json)
                std::fprintf(
                    stderr, "%s\n",
                    dump(nlohmann::json{
                             {"alert", {{"run", a.run}, {"key", a.key()}, {"message", a.message()}}}})
                        .c_str());
            else
                std::fprintf(stderr, "alert: %s: %s\n", a.run.c_str(), a.message().c_str());
        }
    };

    bool storeFailedToOpen = false;
    std::unique_ptr<HistoryStore> store = openStore(p, storeFailedToOpen);
    if (storeFailedToOpen)
        return ExitInfra;

    WatchSummary summary;
    Printer printer(json, summary);
    bool storeFailed = false;
    RunDirWatcher::Callbacks cb;
    cb.onResults = [&](const ResultBatch& b) { printer.results(b.results); };
    cb.onTraces = [&](const TraceBatch& b) {
        printer.rows(b);
        std::vector<AlertSample> samples;
        samples.reserve(b.records.size());
        for (const auto& r : b.records)
            samples.push_back({r.valid(), r.cheated, r.status});
        alerts.rowsArrived(b.run, samples, nowUnixSeconds());
    };
    cb.onReset = [](const std::string& run, RunFile f, TailReset why) {
        std::fprintf(stderr, "%s: %s was %s; reading it again from the start\n", run.c_str(),
                     f == RunFile::Traces ? "traces.jsonl" : "metrics.jsonl",
                     std::string(tailResetName(why)).c_str());
    };
    cb.onError = [&](const std::string& run, const std::string& msg) {
        if (msg.find("could not store") != std::string::npos)
            storeFailed = true;
        std::fprintf(stderr, "%s: %s\n", run.c_str(), msg.c_str());
    };

    // A run directory, or a directory of runs (nothing to read at its top, runs below).
    const bool isRun = isFile(dir + "/traces.jsonl") || isFile(dir + "/metrics.jsonl");
    std::shared_ptr<RunDirWatcher> single;
    std::shared_ptr<RunsRootWatcher> root;
    if (isRun) {
        RunDirWatcher::Options o;
        o.runDir = dir;
        o.store = store.get();
        single = std::make_shared<RunDirWatcher>(o, cb);
    } else {
        RunsRootWatcher::Options o;
        o.root = dir;
        o.store = store.get();
        RunsRootWatcher::Callbacks rcb;
        rcb.run = cb;
        rcb.onRunAdded = [json](const std::shared_ptr<RunDirWatcher>& w) {
            if (!json)
                std::fprintf(stderr, "watching run %s (%s)\n", w->name().c_str(), w->dir().c_str());
        };
        root = std::make_shared<RunsRootWatcher>(o, rcb);
    }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    auto runs = [&] { return single ? std::vector<std::shared_ptr<RunDirWatcher>>{single} : root->runs(); };
    const std::size_t budget = 8u << 20;
    bool interrupted = false;
    for (;;) {
        if (g_stop) {
            interrupted = true;
            break;
        }
        const PollStatus st = single ? single->poll(budget) : root->poll(budget);
        if (st.more)
            continue;
        bool allCaughtUp = true;
        for (const auto& w : runs())
            allCaughtUp = allCaughtUp && w->caughtUp();
        if (allCaughtUp)
            printAlerts(!once); // a one-shot read has no notion of a stall
        if (once && allCaughtUp)
            break;
        if (allCaughtUp)
            std::this_thread::sleep_for(std::chrono::milliseconds(*interval));
    }
    for (const auto& w : runs())
        summary.setRunStats(w->name(), w->stats());
    if (runs().empty())
        std::fprintf(stderr, "no run found in %s (a run directory holds traces.jsonl or metrics.jsonl)\n",
                     dir.c_str());
    if (json)
        std::fprintf(stderr, "%s\n", dump(nlohmann::json{{"summary", summary.toJson()}}).c_str());
    else
        std::printf("%s", summary.toText().c_str());
    std::fflush(stdout);
    if (storeFailed)
        return ExitInfra;
    return interrupted ? ExitInterrupted : ExitOk;
}

const CommandRegistrar reg{{"watch", "watch RUN_DIR|--modal [--once] [--json] [--db PATH] [--no-store]",
                            "print training-run evaluations as they appear (traces.jsonl or Modal logs)",
                            runWatch}};

} // namespace
} // namespace kw::cli
