// kernelwatch-cli batch: a manifest of kernels, results in input order, resumable.
#include "app/cli/Command.h"
#include "app/cli/EvalOptions.h"
#include "core/base/Hash.h"
#include "core/model/BatchManifest.h"
#include "core/model/SourceFile.h"

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace kw::cli {
namespace {

namespace fs = std::filesystem;

std::string codeKey(const EvalRequest& r)
{
    return hex64(fnv1a64(r.kernelCode, fnv1a64(r.refCode)));
}

// Writes results in input order as soon as every earlier item is done.
class OrderedWriter
{
public:
    OrderedWriter(std::size_t n, FILE* out, bool json) : m_done(n), m_out(out), m_json(json) {}
    void put(std::size_t i, const EvalResult& r)
    {
        std::lock_guard lock(m_mutex);
        m_done[i] = r;
        while (m_next < m_done.size() && m_done[m_next]) {
            write(*m_done[m_next]);
            m_done[m_next].reset(); // keep memory flat for long batches
            ++m_next;
        }
        std::fflush(m_out);
    }

private:
    void write(const EvalResult& r)
    {
        if (m_json) {
            nlohmann::json j = toJson(r, false);
            j["manifest_id"] = r.metadata.value("manifest_id", "");
            std::fprintf(m_out, "%s\n",
                         j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        } else {
            auto times = [](const std::optional<double>& v) {
                return v ? std::to_string(*v).substr(0, 6) + "x" : std::string("-");
            };
            std::string extra; // torch.compile speedup and % of speed of light when measured
            if (auto c = speedupAgainst(r, Baseline::Compile))
                extra += " vs compile " + times(c);
            if (r.sol && r.sol->available())
                extra += " " + std::to_string(int(r.sol->percent + 0.5)) + "% SOL";
            // A refusal that never ran the kernel reads as in `history`: "not run: setup".
            const std::string why = r.notRunReason();
            const std::string status = why.empty() ? std::string(statusName(r.status)) : "not run: " + why;
            std::fprintf(m_out, "%-24s %-14s %-9s%s %s\n", r.metadata.value("manifest_id", "").c_str(),
                         status.c_str(), times(r.speedup).c_str(), extra.c_str(),
                         r.errorMessage.substr(0, 120).c_str());
        }
    }
    std::mutex m_mutex;
    std::vector<std::optional<EvalResult>> m_done;
    std::size_t m_next = 0;
    FILE* m_out;
    bool m_json;
};

EvalResult itemError(const EvalRequest& req, const std::string& message)
{
    EvalResult r = EvalResult::infraError(req, message);
    r.formatOk = false;
    return r;
}

int runBatch(const std::vector<std::string>& args)
{
    ArgParser p;
    p.option("manifest", "FILE.jsonl",
             "one JSON object per line: id, ref|ref_code, kernel|kernel_code, backend?")
        .option("jobs", "N", "evaluations at a time on the cpu (GPUs run one each)")
        .option("out", "FILE.jsonl", "write results (input order, JSON lines) to this file")
        .flag("resume", "skip items this manifest already has results for in the store");
    EvalOptions::declare(p);
    if (!p.parse(args)) {
        std::fprintf(stderr, "kernelwatch-cli batch: %s (see kernelwatch-cli batch --help)\n",
                     p.error().c_str());
        return ExitUsage;
    }
    if (p.has("help")) {
        std::printf("usage: kernelwatch-cli batch --manifest FILE.jsonl [options]\n\n%s",
                    p.helpText().c_str());
        return ExitOk;
    }
    EvalOptions opts;
    std::string error;
    if (auto j = p.intValue("jobs", 1, 1024))
        opts.jobs = *j;
    if (!opts.read(p, error) || !p.error().empty()) {
        std::fprintf(stderr, "kernelwatch-cli batch: %s\n",
                     error.empty() ? p.error().c_str() : error.c_str());
        return ExitUsage;
    }
    if (!p.has("manifest")) {
        std::fprintf(stderr, "kernelwatch-cli batch: give --manifest FILE.jsonl\n");
        return ExitUsage;
    }
    const std::string manifestPath = fs::absolute(*p.value("manifest")).lexically_normal().string();
    std::ifstream in(manifestPath, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "kernelwatch-cli batch: %s: cannot be read\n", manifestPath.c_str());
        return ExitUsage;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const auto items = parseManifest(ss.str());
    if (items.empty()) {
        std::fprintf(stderr, "kernelwatch-cli batch: %s: no items (one JSON object per line)\n",
                     manifestPath.c_str());
        return ExitUsage;
    }
    const fs::path baseDir = fs::path(manifestPath).parent_path();
    const std::string runKey = "batch:" + fs::path(manifestPath).filename().string() + ":" +
                               hex64(fnv1a64(manifestPath)).substr(0, 8);

    // Build requests; unusable lines become per-item results, the rest of the batch runs.
    std::vector<EvalRequest> requests(items.size());
    std::vector<std::optional<EvalResult>> preset(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const ManifestItem& it = items[i];
        EvalRequest& r = requests[i];
        r = opts.base;
        r.id = EvalRequest::makeId();
        r.source = "batch";
        r.run = runKey;
        r.step = int(it.line);
        r.problem = it.problem;
        if (!it.backend.empty())
            r.backend = it.backend;
        if (!it.precision.empty())
            r.precision = it.precision;
        std::string err = it.error;
        auto load = [&](const std::string& path, std::string& code, std::string& pathOut) {
            if (path.empty() || !err.empty())
                return;
            fs::path full = fs::path(path).is_absolute() ? fs::path(path) : baseDir / path;
            pathOut = full.lexically_normal().string();
            std::string e;
            if (!readSourceFile(pathOut, code, e))
                err = "line " + std::to_string(it.line) + ": " + e;
        };
        r.refCode = it.refCode;
        r.kernelCode = it.kernelCode;
        load(it.refPath, r.refCode, r.refPath);
        load(it.kernelPath, r.kernelCode, r.kernelPath);
        if (r.problem.empty() && !r.refPath.empty())
            r.problem = fs::path(r.refPath).stem().string();
        if (err.empty()) // a batch records a kernel's format failure instead of refusing it
            err = admitRequest(r, it.refPath.empty() ? "reference" : it.refPath,
                               it.kernelPath.empty() ? "kernel" : it.kernelPath, AdmissionMode::Batch);
        if (!err.empty())
            preset[i] = itemError(r, manifestPath + ": " + err);
    }

    auto store = openStore(opts.dbPath);
    if (!store)
        return ExitInfra;

    std::size_t resumed = 0;
    if (p.has("resume")) {
        HistoryQuery q;
        q.run = runKey;
        q.newestFirst = false;
        std::map<int, EvalResult> done; // manifest line → latest finished result
        for (auto& r : store->results(q))
            if (r.status != EvalStatus::InfraError)
                done[r.request.step] = std::move(r);
        for (std::size_t i = 0; i < items.size(); ++i) {
            auto it = done.find(int(items[i].line));
            if (!preset[i] && it != done.end() && codeKey(it->second.request) == codeKey(requests[i])) {
                preset[i] = it->second;
                ++resumed;
            }
        }
    }

    FILE* out = stdout;
    if (auto o = p.value("out")) {
        out = std::fopen(o->c_str(), "w");
        if (!out) {
            std::fprintf(stderr, "kernelwatch-cli batch: cannot write %s\n", o->c_str());
            return ExitUsage;
        }
    }
    OrderedWriter writer(items.size(), out, opts.json || p.has("out"));

    std::vector<EvalRequest> todo;
    std::vector<std::size_t> todoIndex;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (preset[i]) {
            preset[i]->metadata["manifest_id"] = items[i].id;
            if (std::string storeError; preset[i]->status == EvalStatus::InfraError &&
                                        !recordResult(store.get(), *preset[i], &storeError))
                std::fprintf(stderr, "kernelwatch-cli: could not store a result: %s\n", storeError.c_str());
            writer.put(i, *preset[i]);
        } else {
            todo.push_back(requests[i]);
            todoIndex.push_back(i);
        }
    }
    if (resumed)
        std::fprintf(stderr, "kernelwatch-cli batch: resuming: %zu of %zu items already have results\n",
                     resumed, items.size());

    std::size_t finished = 0, failures = 0;
    if (!todo.empty()) {
        auto evaluator = makeStartedEvaluator(opts, error);
        if (!evaluator) {
            std::fprintf(stderr, "kernelwatch-cli: %s\n", error.c_str());
            if (out != stdout)
                std::fclose(out);
            return ExitInfra;
        }
        std::mutex m;
        evaluator->evaluateBatch(todo, [&](std::size_t k, const EvalResult& r) {
            EvalResult withId = r;
            withId.metadata["manifest_id"] = items[todoIndex[k]].id;
            if (std::string storeError;
                !recordResult(store.get(), withId, &storeError)) // before it is reported
                std::fprintf(stderr, "kernelwatch-cli: could not store a result: %s\n", storeError.c_str());
            writer.put(todoIndex[k], withId);
            std::lock_guard lock(m);
            ++finished;
            if (r.status != EvalStatus::Correct)
                ++failures;
            char line[128];
            std::snprintf(line, sizeof line, "[%zu/%zu] %zu not correct", finished, todo.size(), failures);
            printProgressLine(line);
        });
        printProgressLine("");
    }
    if (out != stdout)
        std::fclose(out);
    // Unusable: lines that are not JSON or lack a field, and items whose files cannot be read or
    // admitted; every item is evaluated, resumed or unusable.
    std::fprintf(stderr, "kernelwatch-cli batch: %zu items, %zu evaluated, %zu resumed, %zu unusable\n",
                 items.size(), todo.size(), resumed, items.size() - todo.size() - resumed);
    return ExitOk;
}

const CommandRegistrar reg{{"batch", "batch --manifest FILE.jsonl [options]",
                            "evaluate many kernels; results in input order", &runBatch}};

} // namespace
} // namespace kw::cli
