// kernelwatch-cli history: what the store holds, as a table, JSON lines or CSV.
#include "app/cli/CliSettings.h"
#include "app/cli/Command.h"
#include "app/cli/EvalOptions.h"
#include "core/model/ResultExport.h"
#include "core/model/Scores.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace kw::cli {
namespace {

nlohmann::json scoresJson(const SpeedupScores& scores)
{
    nlohmann::json j{{"results", scores.results},
                     {"correct", scores.correct},
                     {"measured", scores.measured},
                     {"not_counted", scores.notCounted}};
    for (std::size_t i = 0; i < SpeedupScores::kThresholds.size(); ++i) {
        const std::string key = "fast_" + std::to_string(int(SpeedupScores::kThresholds[i]));
        j[key] = scores.fastShare(i);
        j[key + "_count"] = scores.fast[i];
        j[key + "_unverified"] = scores.unverified[i];
    }
    j["geomean_speedup"] = scores.geomeanSpeedup ? nlohmann::json(*scores.geomeanSpeedup) : nlohmann::json();
    j["geomean_of"] = scores.geomeanOf;
    return j;
}

int runHistory(const std::vector<std::string>& args)
{
    ArgParser p;
    p.option("db", "PATH", "history store (default ~/.local/share/kernelwatch/history.sqlite)")
        .option("limit", "N", "newest N results (default 50; 0 = all)")
        .repeatable("status", "S", "only this status (repeatable): correct, incorrect, compile_error, ...")
        .option("problem", "NAME", "only this problem")
        .option("source", "NAME", "only this source: submit, cli, batch, run, modal")
        .option("run", "NAME", "only this training run or batch")
        .flag("json", "one JSON object per line (code omitted)")
        .flag("csv", "CSV with a header")
        .flag("summary", "fast_0/1/2 and the geometric-mean speedup of the selected results (--limit 0: all)")
        .flag("help", "show this help");
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli history: %s\n", p.error().c_str());
        return ExitUsage;
    }
    if (p.has("help")) {
        std::printf("usage: kernelwatch-cli history [options]\n\n%s", p.helpText().c_str());
        return ExitOk;
    }
    HistoryQuery q;
    q.limit = std::size_t(p.intValue("limit", 0, 1 << 30).value_or(50));
    if (!p.error().empty()) {
        std::fprintf(stderr, "kernelwatch-cli history: %s\n", p.error().c_str());
        return ExitUsage;
    }
    for (const auto& s : p.values("status")) {
        if (!parseEvalStatus(s)) {
            std::fprintf(stderr, "kernelwatch-cli history: unknown status '%s'\n", s.c_str());
            return ExitUsage;
        }
        q.statuses.push_back(s);
    }
    if (p.has("json") && p.has("csv")) {
        std::fprintf(stderr, "kernelwatch-cli history: choose one of --json and --csv\n");
        return ExitUsage;
    }
    q.problem = p.valueOr("problem", "");
    q.source = p.valueOr("source", "");
    q.run = p.valueOr("run", "");
    auto store = openStore(resolveSettings(p).historyPath.value);
    if (!store)
        return ExitInfra;
    if (p.has("summary")) {
        const auto results = store->results(q);
        const SpeedupScores eager = scoreResults(results, Baseline::Eager);
        const SpeedupScores compile = scoreResults(results, Baseline::Compile);
        if (p.has("json")) {
            // The eager scores at the top level (as before baselines), each baseline under
            // "baselines"; "compile" only when some result had it.
            nlohmann::json j = scoresJson(eager);
            j["baselines"] = {{"eager", scoresJson(eager)}};
            if (compile.measured > 0)
                j["baselines"]["compile"] = scoresJson(compile);
            j["compile_measured"] = compile.measured;
            std::printf("%s\n", j.dump().c_str());
        } else {
            std::fputs(eager.describe().c_str(), stdout);
            if (compile.measured > 0)
                std::fputs(compile.describe().c_str(), stdout);
            else {
                std::size_t failed = 0; // asked for, but torch.compile could not be measured
                for (const auto& r : results)
                    if (const BaselineTiming* c = r.baseline("compile"); c && !c->error.empty())
                        ++failed;
                std::printf("against torch.compile: none of the %zu correct results had a compile baseline "
                            "(%zu asked for it and torch.compile failed; evaluate with --baseline compile)\n",
                            compile.correct, failed);
            }
            std::printf("%s\n", SpeedupScores::kRule);
        }
        return ExitOk;
    }
    if (p.has("json")) {
        for (const auto& r : store->results(q))
            std::fputs(exportfmt::jsonlLine(r).c_str(), stdout);
        return ExitOk;
    }
    const auto rows = store->rows(q);
    if (p.has("csv")) {
        std::fputs(exportfmt::csvHeader().c_str(), stdout);
        for (const auto& r : rows) {
            const auto full = store->find(r.id); // the error lives in the full result
            std::fputs(exportfmt::csvRow(r, full ? &*full : nullptr).c_str(), stdout);
        }
        return ExitOk;
    }
    std::printf("%-19s %-7s %-28s %-16s %-18s %9s %9s %6s %10s %10s\n", "time", "source", "problem", "target",
                "status", "speedup", "compile", "%SOL", "runtime", "baseline");
    for (const auto& r : rows) {
        auto ms = [](const std::optional<double>& v) {
            char b[32];
            if (!v)
                return std::string("-");
            std::snprintf(b, sizeof b, "%.4g ms", *v);
            return std::string(b);
        };
        auto times = [](const std::optional<double>& v) {
            char b[32] = "-";
            if (v)
                std::snprintf(b, sizeof b, "%.3fx", *v);
            return std::string(b);
        };
        char sol[32] = "-";
        if (r.solPercent)
            std::snprintf(sol, sizeof sol, "%.0f%%", *r.solPercent);
        // A setup refusal never ran the kernel: "not run: too large", as eval and the app say.
        const std::string status =
            r.notRun.empty() ? std::string(statusName(r.status)) : "not run: " + r.notRun;
        std::printf("%-19s %-7s %-28.28s %-16s %-18s %9s %9s %6s %10s %10s\n",
                    exportfmt::formatTime(r.createdAt).c_str(), r.source.c_str(), r.problem.c_str(),
                    r.target.c_str(), status.c_str(), times(r.speedup).c_str(),
                    times(r.compileSpeedup).c_str(), sol, ms(r.runtimeMs).c_str(), ms(r.baselineMs).c_str());
    }
    std::fprintf(stderr, "%zu shown, %zu stored in %s\n", rows.size(), store->count(), store->path().c_str());
    return ExitOk;
}

const CommandRegistrar reg{{"history", "history [--db PATH] [--limit N] [--status S] [--json | --csv]",
                            "list stored results", &runHistory}};

} // namespace
} // namespace kw::cli
