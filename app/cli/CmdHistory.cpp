// kernelwatch-cli history: what the store holds, as a table, JSON lines or CSV.
#include "Command.h"
#include "EvalOptions.h"
#include "ResultExport.h"
#include "Scores.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace kw::cli {
namespace {

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
    auto store = openStore(p.valueOr("db", HistoryStore::defaultPath()));
    if (!store)
        return ExitInfra;
    if (p.has("summary")) {
        const auto results = store->results(q);
        const SpeedupScores scores = scoreResults(results);
        if (p.has("json")) {
            nlohmann::json j{{"results", scores.results}, {"correct", scores.correct}};
            for (std::size_t i = 0; i < SpeedupScores::kThresholds.size(); ++i) {
                const std::string key = "fast_" + std::to_string(int(SpeedupScores::kThresholds[i]));
                j[key] = scores.fastShare(i);
                j[key + "_unverified"] = scores.unverified[i];
            }
            j["geomean_speedup"] =
                scores.geomeanSpeedup ? nlohmann::json(*scores.geomeanSpeedup) : nlohmann::json();
            std::printf("%s\n", j.dump().c_str());
        } else {
            std::fputs(scores.describe().c_str(), stdout);
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
            const auto full =
                store->find(r.id); // the interval, timing verdict and error live in the full result
            std::fputs(exportfmt::csvRow(r, full ? &*full : nullptr).c_str(), stdout);
        }
        return ExitOk;
    }
    std::printf("%-19s %-7s %-28s %-16s %-14s %9s %10s %10s\n", "time", "source", "problem", "target",
                "status", "speedup", "runtime", "baseline");
    for (const auto& r : rows) {
        auto ms = [](const std::optional<double>& v) {
            char b[32];
            if (!v)
                return std::string("-");
            std::snprintf(b, sizeof b, "%.4g ms", *v);
            return std::string(b);
        };
        char sp[32] = "-";
        if (r.speedup)
            std::snprintf(sp, sizeof sp, "%.3fx", *r.speedup);
        std::printf("%-19s %-7s %-28.28s %-16s %-14s %9s %10s %10s\n",
                    exportfmt::formatTime(r.createdAt).c_str(), r.source.c_str(), r.problem.c_str(),
                    r.target.c_str(), std::string(statusName(r.status)).c_str(), sp, ms(r.runtimeMs).c_str(),
                    ms(r.baselineMs).c_str());
    }
    std::fprintf(stderr, "%zu shown, %zu stored in %s\n", rows.size(), store->count(), store->path().c_str());
    return ExitOk;
}

const CommandRegistrar reg{{"history", "history [--db PATH] [--limit N] [--status S] [--json | --csv]",
                            "list stored results", &runHistory}};

} // namespace
} // namespace kw::cli
