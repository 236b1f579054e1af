// bench_watch: opening and following a large kernel_rl run (issue 5's goals).
//
//   1. writes a ~2 GB traces.jsonl (100k lines of ~20 KB, kernel_rl's shape) and metrics.jsonl
//      in a temporary directory (free space checked first; removed afterwards unless --keep);
//   2. opens it with RunDirWatcher and indexes it into a table-model-equivalent list (every
//      TraceRecord copied into a vector as a model would), warm (file in the page cache) and cold
//      (the file's pages dropped with posix_fadvise), timing it and the longest single poll;
//   3. resident memory per record (RSS delta from /proc/self/statm / records);
//   4. stores every result into a HistoryStore through a StoreWriter (the background sweep), timed;
//   5. follows 1,000 new lines/s for several seconds on a WatchLoop thread, results stored through
//      the writer: the longest processing round, the longest gap between batches, write-to-row
//      and write-to-stored latencies.
//
//   bench_watch [--lines N] [--line-kb K] [--follow-seconds S] [--rate N] [--dir D] [--keep]
//               [--no-sweep]
#include "core/model/HistoryStore.h"
#include "core/watch/RunDirWatcher.h"
#include "core/watch/StoreWriter.h"
#include "core/watch/WatchLoop.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <malloc.h>
#include <mutex>
#include <string>
#include <sys/statvfs.h>
#include <thread>
#include <unistd.h>
#include <utime.h>
#include <vector>

using namespace kw;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double threadCpuSeconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double loadAverage()
{
    double l[3] = {0, 0, 0};
    return getloadavg(l, 3) > 0 ? l[0] : NAN;
}

long residentBytes()
{
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return resident * sysconf(_SC_PAGESIZE);
}

// JSON-escaped Python source of about `bytes` bytes (quotes, backslashes, newlines, non-ASCII).
std::string codePad(std::size_t bytes, int variant)
{
    std::string s;
    int i = 0;
    while (s.size() < bytes) {
        s += "    x" + std::to_string(variant) + "_" + std::to_string(i) +
             " = tl.load(ptr + offs, mask=mask, other=0.0)  # \\\"tile\\\" \\\\ \\u00b5s\\n";
        ++i;
    }
    return s;
}

struct Generator
{
    std::vector<std::string> pads;
    int linesPerStep = 400;
    double start = 1764000000.0, rollout = 120.0, train = 40.0;

    explicit Generator(std::size_t lineBytes)
    {
        // A line holds a, b, b and 2,000 bytes of a, plus ~1.5 KB of fields.
        const std::size_t each = lineBytes > 5000 ? (lineBytes - 3500) / 3 : 256;
        for (int v = 0; v < 8; ++v)
            pads.push_back(codePad(each, v));
    }

    double timestampOf(long i) const
    {
        const long step = i / linesPerStep, k = i % linesPerStep;
        return start + double(step) * (rollout + train) + double(k + 1) * rollout / (linesPerStep + 1);
    }

    std::string line(long i, double ts) const
    {
        static const char* kinds[] = {"correct", "correct", "incorrect", "compile",
                                      "runtime", "correct", "nan"};
        const char* kind = kinds[i % 7];
        const int level = 1 + int(i % 3), pid = 1 + int((i * 7) % 100), turn = int(i % 4);
        const std::string& a = pads[std::size_t(i % 8)];
        const std::string& b = pads[std::size_t((i + 3) % 8)];
        const bool compiled = std::strcmp(kind, "compile") != 0;
        const bool correct = !std::strcmp(kind, "correct") || !std::strcmp(kind, "nan");
        char ev[768];
        std::snprintf(ev, sizeof ev,
                      "{\"format_ok\": true, \"compiled\": %s, \"correctness\": %s, \"tests_passed\": %d, "
                      "\"tests_total\": 5, \"speedup\": %s, \"runtime_ms\": %s, \"baseline_runtime_ms\": %s, "
                      "\"cheated\": false, \"error_message\": %s, \"code_length\": %zu, \"metadata\": "
                      "{\"hardware\": \"NVIDIA H100 80GB HBM3\", \"device\": \"cuda:0\"}}",
                      compiled ? "true" : "false", correct ? "true" : "false", correct ? 5 : 0,
                      !std::strcmp(kind, "nan")
                          ? "NaN"
                          : (correct ? std::to_string(0.5 + double(i % 40) / 10).c_str() : "null"),
                      correct ? "0.42" : "null", correct ? "0.61" : "null",
                      !std::strcmp(kind, "runtime") ? "\"RuntimeError: CUDA error: an illegal memory access\""
                      : !std::strcmp(kind, "compile")   ? "\"CompilationError: at 7:8\""
                      : !std::strcmp(kind, "incorrect") ? "\"Output mismatch\""
                                                        : "null",
                      b.size());
        const double reward = correct ? 1.4 : (compiled ? 0.4 : 0.1);
        char head[512], tail[1024];
        std::snprintf(
            head, sizeof head,
            "{\"mode\": \"multi_turn\", \"level\": %d, \"problem_id\": %d, \"backend\": \"triton\", "
            "\"dataset_src\": \"huggingface\", \"prompt_option\": \"raicl\", \"turn\": %d, \"max_turns\": 4, "
            "\"prompt_messages\": [{\"role\": \"system\", \"content\": \"You are an expert GPU kernel "
            "developer.\"}, {\"role\": \"user\", \"content\": \"",
            level, pid, turn);
        std::snprintf(
            tail, sizeof tail,
            "\"reward\": %.3f, \"reward_breakdown\": {\"reward_format\": 0.1, \"reward_compile\": %.1f, "
            "\"reward_correctness\": %.1f, \"reward_speed\": 0.0, \"reward_length\": 0.0, "
            "\"reward_thinking\": 0.1, \"reward_total\": %.3f}, \"metrics\": {\"turn\": %d, "
            "\"step_score\": %.3f}, \"state\": {\"turn_idx\": %d, \"done\": %s, \"success\": %s, "
            "\"step_scores\": [%.3f]}, \"timestamp\": %.6f, \"stop_condition\": [\"<|im_end|>\"]}\n",
            reward, compiled ? 0.2 : 0.0, correct ? 1.0 : 0.0, reward, turn, reward, turn + 1,
            correct ? "true" : "false", correct ? "true" : "false", reward, ts);
        std::string out;
        out.reserve(2 * a.size() + 2 * b.size() + 2048);
        out += head;
        out += a;
        out += "\"}], \"renderer\": \"qwen3\", \"response\": {\"raw\": \"<think>plan</think><KERNEL>";
        out += b;
        out += "</KERNEL>\", \"thought\": \"- fuse\\n- tile\", \"kernel\": \"";
        out += b;
        out += "\", \"format_ok\": true}, \"eval_result\": ";
        out += ev;
        out += ", \"history_entry\": {\"turn\": ";
        out += std::to_string(turn);
        out += ", \"kernel\": \"";
        out += a.substr(0, 2000);
        out += "\", \"score\": 0.4}, ";
        out += tail;
        return out;
    }
};

struct Args
{
    long lines = 100000;
    std::size_t lineKb = 20;
    double followSeconds = 5;
    int rate = 1000;
    std::string dir;
    bool keep = false, sweep = true;
};

void row(const char* what, const std::string& value, const std::string& goal, bool ok)
{
    std::printf("  %-46s %-22s %-16s %s\n", what, value.c_str(), goal.c_str(),
                goal.empty() ? ""
                : ok         ? "ok"
                             : "MISSED");
}

std::string fmt(const char* f, double v)
{
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

} // namespace

int main(int argc, char** argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (s == "--lines")
            a.lines = std::atol(next().c_str());
        else if (s == "--line-kb")
            a.lineKb = std::size_t(std::atol(next().c_str()));
        else if (s == "--follow-seconds")
            a.followSeconds = std::atof(next().c_str());
        else if (s == "--rate")
            a.rate = std::atoi(next().c_str());
        else if (s == "--dir")
            a.dir = next();
        else if (s == "--keep")
            a.keep = true;
        else if (s == "--no-sweep")
            a.sweep = false;
        else {
            std::fprintf(stderr,
                         "usage: bench_watch [--lines N] [--line-kb K] [--follow-seconds S] [--rate N] "
                         "[--dir D] [--keep] [--no-sweep]\n");
            return 2;
        }
    }
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string base = a.dir.empty() ? std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") : a.dir;
    const std::string root = base + "/kw_bench_watch_" + std::to_string(getpid());
    const std::string runDir = root + "/bench_run";
    fs::create_directories(runDir);

    Generator gen(a.lineKb * 1024);
    const std::size_t estBytes = std::size_t(a.lines) * gen.line(0, 0).size();
    struct statvfs vfs
    {
    };
    if (statvfs(root.c_str(), &vfs) == 0) {
        const double freeBytes = double(vfs.f_bavail) * double(vfs.f_frsize);
        std::printf("free space in %s: %.1f GB; traces.jsonl will take %.2f GB (+ store ~%.2f GB)\n",
                    base.c_str(), freeBytes / 1e9, double(estBytes) / 1e9,
                    a.sweep ? double(a.lines) * 3500 / 1e9 : 0.0);
        if (freeBytes < double(estBytes) * 1.5 + 2e9) {
            std::fprintf(stderr, "not enough free space: pass --dir on a larger disk or fewer --lines\n");
            fs::remove_all(root);
            return 3;
        }
    }

    // 1. Generate.
    const std::string traces = runDir + "/traces.jsonl", metricsPath = runDir + "/metrics.jsonl";
    auto t0 = Clock::now();
    {
        FILE* f = std::fopen(traces.c_str(), "wb");
        FILE* m = std::fopen(metricsPath.c_str(), "wb");
        if (!f || !m) {
            std::perror("fopen");
            return 3;
        }
        std::setvbuf(f, nullptr, _IOFBF, 8 << 20);
        for (long i = 0; i < a.lines; ++i) {
            const std::string l = gen.line(i, gen.timestampOf(i));
            std::fwrite(l.data(), 1, l.size(), f);
            if ((i + 1) % gen.linesPerStep == 0)
                std::fprintf(
                    m,
                    "{\"step\": %ld, \"reward/mean\": 0.8, \"reward/std\": 0.5, \"reward/min\": 0.1, "
                    "\"reward/max\": 1.4, \"kernel/format_rate\": 1.0, \"kernel/compile_rate\": 0.86, "
                    "\"kernel/correct_rate\": 0.57, \"kernel/cheat_rate\": 0.0, \"time/rollout\": %.1f, "
                    "\"time/total\": %.1f}\n",
                    i / gen.linesPerStep, gen.rollout, gen.rollout + gen.train);
        }
        std::fclose(f);
        std::fclose(m);
        const long steps = a.lines / gen.linesPerStep;
        const double end = gen.start + double(steps) * (gen.rollout + gen.train);
        struct utimbuf u
        {
            static_cast<time_t>(end), static_cast<time_t>(end)
        };
        ::utime(metricsPath.c_str(), &u);
    }
    const double fileBytes = double(fs::file_size(traces));
    std::printf("generated %ld lines, %.2f GB in %.1f s\n\n", a.lines, fileBytes / 1e9, secondsSince(t0));

    struct IndexRun
    {
        double seconds = 0, slowestPollMs = 0, cpuSeconds = 0, slowestPollCpuMs = 0, load = 0,
               firstRowsMs = 0;
        std::size_t rows = 0;
        long rssDelta = 0;
        int stepsOk = 0;
    };
    auto indexOnce = [&](bool cold) {
        if (cold) {
            const int fd = ::open(traces.c_str(), O_RDONLY);
            ::fdatasync(fd);
            ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            ::close(fd);
        }
        malloc_trim(0);
        const long rss0 = residentBytes();
        IndexRun r;
        std::vector<TraceRecord> model; // what a table model holds
        bool indexed = false;
        RunDirWatcher::Callbacks cb;
        Clock::time_point firstRows{};
        cb.onTraces = [&](const TraceBatch& b) {
            if (model.empty())
                firstRows = Clock::now();
            model.insert(model.end(), b.records.begin(), b.records.end());
        };
        cb.onStepsChanged = [&](const std::string&, std::size_t first, std::size_t count) {
            // The model refreshes its step column from the watcher.
            (void)first;
            (void)count;
        };
        cb.onIndexed = [&](const std::string&) { indexed = true; };
        RunDirWatcher::Options o;
        o.runDir = runDir;
        o.buildResults = false;
        auto w = std::make_unique<RunDirWatcher>(o, cb);
        const auto start = Clock::now();
        const double cpuStart = threadCpuSeconds();
        while (!indexed) {
            const auto p0 = Clock::now();
            const double c0 = threadCpuSeconds();
            w->poll(4u << 20); // WatchLoop's default budget
            r.slowestPollMs = std::max(r.slowestPollMs, secondsSince(p0) * 1000);
            r.slowestPollCpuMs = std::max(r.slowestPollCpuMs, (threadCpuSeconds() - c0) * 1000);
        }
        const auto fresh = w->records(); // steps as resolved, for the model's step column
        for (std::size_t i = 0; i < model.size() && i < fresh.size(); ++i)
            model[i].step = fresh[i].step;
        r.seconds = secondsSince(start);
        r.firstRowsMs = std::chrono::duration<double>(firstRows - start).count() * 1000;
        r.cpuSeconds = threadCpuSeconds() - cpuStart;
        r.load = loadAverage();
        r.rows = model.size();
        for (std::size_t i = 0; i < model.size(); ++i)
            r.stepsOk += model[i].step == int(long(i) / gen.linesPerStep);
        malloc_trim(0);
        r.rssDelta = residentBytes() - rss0;
        return r;
    };

    // 2-3. Open + index, warm and cold (first read after dropping the file's pages); then the file
    // only read, pages dropped again (a VM's host may still cache it: compare with care).
    const IndexRun warm = indexOnce(false);
    const IndexRun cold = indexOnce(true);
    double rawColdSeconds = 0;
    {
        const int fd = ::open(traces.c_str(), O_RDONLY);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        std::vector<char> buf(8u << 20);
        const auto r0 = Clock::now();
        off_t off = 0;
        for (ssize_t n; (n = ::pread(fd, buf.data(), buf.size(), off)) > 0;)
            off += n;
        rawColdSeconds = secondsSince(r0);
        ::close(fd);
    }
    const double perRecord =
        double(std::max(warm.rssDelta, cold.rssDelta)) / double(std::max<std::size_t>(warm.rows, 1));

    // 4. Store sweep: every result into SQLite through a StoreWriter (as the GUI does).
    double sweepSeconds = NAN, drainSeconds = NAN;
    std::size_t swept = 0;
    const std::string dbPath = root + "/history.sqlite";
    HistoryStore store(dbPath);
    StoreWriter writer(store);
    if (a.sweep) {
        bool caughtUp = false;
        RunDirWatcher::Callbacks cb;
        cb.onCaughtUp = [&](const std::string&) { caughtUp = true; };
        RunDirWatcher::Options o;
        o.runDir = runDir;
        o.writer = &writer;
        RunDirWatcher w(o, cb);
        const auto s0 = Clock::now();
        while (!caughtUp)
            if (!w.poll(4u << 20).more)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        sweepSeconds = secondsSince(s0);
        writer.flush();
        drainSeconds = secondsSince(s0);
        swept = std::size_t(w.stats().resultsNew);
    }

    // 5. Follow 1,000 lines/s on a WatchLoop thread; results stored through the writer.
    std::atomic<long> written{0};
    std::mutex mu;
    std::vector<double> latencies, storedLatencies, gaps;
    std::size_t followRows = 0;
    Clock::time_point lastBatch{};
    double followMaxRoundMs = 0, followMaxRoundCpuMs = 0, followLoad = 0;
    std::uint64_t rounds = 0;
    {
        RunDirWatcher::Callbacks cb;
        std::atomic<bool> caughtUp{false}, following{false};
        cb.onCaughtUp = [&](const std::string&) { caughtUp = true; };
        cb.onTraces = [&](const TraceBatch& b) {
            if (!following)
                return;
            const double now = nowUnixSeconds();
            const auto tnow = Clock::now();
            std::lock_guard lock(mu);
            for (const auto& rec : b.records)
                latencies.push_back(now - rec.timestamp);
            if (lastBatch != Clock::time_point{})
                gaps.push_back(std::chrono::duration<double>(tnow - lastBatch).count());
            lastBatch = tnow;
            followRows += b.records.size();
        };
        cb.onResults = [&](const ResultBatch& b) {
            if (!following)
                return;
            const double now = nowUnixSeconds();
            std::lock_guard lock(mu);
            for (const auto& r : b.results)
                storedLatencies.push_back(now - r.createdAt);
        };
        RunDirWatcher::Options o;
        o.runDir = runDir;
        o.writer = &writer;
        auto w = std::make_shared<RunDirWatcher>(o, cb);
        while (!caughtUp) // already stored: the sweep only checks ids
            if (!w->poll(4u << 20).more)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        writer.flush();
        following = true;
        WatchLoop::Options lo;
        lo.intervalMs = 20;
        WatchLoop loop(lo);
        loop.add(w);
        loop.start();
        std::thread writerThread([&] {
            FILE* f = std::fopen(traces.c_str(), "ab");
            const int perTick = std::max(1, a.rate / 100);
            const long total = long(a.followSeconds * a.rate);
            auto next = Clock::now();
            long i = a.lines;
            while (written < total) {
                for (int k = 0; k < perTick && written < total; ++k, ++i, ++written) {
                    const std::string l = gen.line(i, nowUnixSeconds()); // timestamp = write time
                    std::fwrite(l.data(), 1, l.size(), f);
                }
                std::fflush(f);
                next += std::chrono::milliseconds(10);
                std::this_thread::sleep_until(next);
            }
            std::fclose(f);
        });
        writerThread.join();
        const auto waitStart = Clock::now();
        while (secondsSince(waitStart) < 30) {
            {
                std::lock_guard lock(mu);
                if (long(followRows) >= written.load() && long(storedLatencies.size()) >= written.load())
                    break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        loop.stop();
        writer.flush();
        followMaxRoundMs = loop.maxRoundMs();
        followMaxRoundCpuMs = loop.maxRoundCpuMs();
        followLoad = loadAverage();
        rounds = loop.rounds();
    }
    std::sort(storedLatencies.begin(), storedLatencies.end());
    std::sort(latencies.begin(), latencies.end());
    auto pct = [](const std::vector<double>& v, double p) {
        return v.empty() ? NAN : v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1)))];
    };
    const double maxGap = gaps.empty() ? NAN : *std::max_element(gaps.begin(), gaps.end());

    std::printf("kernelwatch bench_watch: %ld lines, %.2f GB traces.jsonl, %zu-KB lines\n", a.lines,
                fileBytes / 1e9, a.lineKb);
    std::printf("  %-46s %-22s %-16s\n", "figure", "measured", "goal");
    std::printf(
        "  (this machine: %ld CPUs online; 1-minute load average %.1f while indexing warm, %.1f cold, %.1f "
        "while following. Wall times stretch with load; CPU times are this thread's own.)\n",
        sysconf(_SC_NPROCESSORS_ONLN), warm.load, cold.load, followLoad);
    row("open + index to table list (warm cache)", fmt("%.2f s", warm.seconds), "<= 3 s", warm.seconds <= 3);
    row("  same, CPU time", fmt("%.2f s", warm.cpuSeconds), "<= 3 s", warm.cpuSeconds <= 3);
    row("open + index to table list (cold file)", fmt("%.2f s", cold.seconds), "<= 3 s", cold.seconds <= 3);
    row("  same, CPU time", fmt("%.2f s", cold.cpuSeconds), "<= 3 s", cold.cpuSeconds <= 3);
    row("  the same file only read, pages dropped again",
        fmt("%.2f s", rawColdSeconds) + fmt(", %.2f GB/s", fileBytes / 1e9 / rawColdSeconds), "", true);
    row("  index rate (warm, wall / CPU)",
        fmt("%.2f", fileBytes / 1e9 / warm.seconds) + fmt(" / %.2f GB/s", fileBytes / 1e9 / warm.cpuSeconds),
        "", true);
    row("  first rows in the list after (warm / cold)",
        fmt("%.1f", warm.firstRowsMs) + fmt(" / %.1f ms", cold.firstRowsMs), "", true);
    row("  rows in the list", std::to_string(warm.rows), "", true);
    row("  rows given their generated step", std::to_string(warm.stepsOk), "", true);
    const double slowWall = std::max(warm.slowestPollMs, cold.slowestPollMs);
    const double slowCpu = std::max(warm.slowestPollCpuMs, cold.slowestPollCpuMs);
    row("  longest single poll while indexing (wall)", fmt("%.1f ms", slowWall), "<= 50 ms", slowWall <= 50);
    row("  longest single poll while indexing (CPU)", fmt("%.1f ms", slowCpu), "<= 50 ms", slowCpu <= 50);
    row("resident memory per record (index + list)", fmt("%.0f B", perRecord), "<= 1024 B",
        perRecord <= 1024);
    row("  RSS delta warm / cold",
        fmt("%.1f MB", double(warm.rssDelta) / 1e6) + fmt(" / %.1f MB", double(cold.rssDelta) / 1e6), "",
        true);
    if (a.sweep) {
        row("store sweep: results built and handed over",
            fmt("%.1f s", sweepSeconds) + " for " + std::to_string(swept), "", true);
        row("store sweep: SQLite writer drained", fmt("%.1f s", drainSeconds), "", true);
    }
    row("follow: lines written / delivered",
        std::to_string(written.load()) + " / " + std::to_string(followRows), "all",
        long(followRows) >= written.load());
    row("follow: rate", fmt("%.0f lines/s", double(a.rate)) + fmt(" x %.0f s", a.followSeconds), "1000/s",
        a.rate >= 1000);
    row("follow: longest processing round (wall)", fmt("%.1f ms", followMaxRoundMs), "<= 50 ms",
        followMaxRoundMs <= 50);
    row("follow: longest processing round (CPU)", fmt("%.1f ms", followMaxRoundCpuMs), "<= 50 ms",
        followMaxRoundCpuMs <= 50);
    row("follow: longest gap between batches", fmt("%.1f ms", maxGap * 1000), "", true);
    row("follow: write->row latency p50/p99/max",
        fmt("%.0f", pct(latencies, 0.5) * 1000) + fmt("/%.0f", pct(latencies, 0.99) * 1000) +
            fmt("/%.0f ms", latencies.empty() ? NAN : latencies.back() * 1000),
        "", true);
    row("follow: write->stored latency p50/p99/max",
        fmt("%.0f", pct(storedLatencies, 0.5) * 1000) + fmt("/%.0f", pct(storedLatencies, 0.99) * 1000) +
            fmt("/%.0f ms", storedLatencies.empty() ? NAN : storedLatencies.back() * 1000),
        "", true);
    row("follow: rounds", std::to_string(rounds), "", true);

    if (!a.keep)
        fs::remove_all(root);
    else
        std::printf("kept %s\n", root.c_str());
    return 0;
}
