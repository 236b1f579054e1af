#pragma once

// Run directories written by kernel_rl's own training code (tests/fixtures/kernel_rl/runs, see its
// README) for the watch tests: the truth of every record (truth.jsonl), copies of a run with the
// recorded mtimes (what replay.py --stamp does), a run re-written in kernel_rl's write order up to
// any point (what replay.py does, without the sleeping), and a run with bad lines made from its
// real lines (cut, byte-flipped, garbage added) for the damage kernel_rl itself never writes.
#include "tests/TestPaths.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace kwcorpus {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string runDir(const std::string& run)
{
    return kwtest::fixturesPath() + "/kernel_rl/runs/" + run;
}

inline std::string slurp(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline std::vector<json> jsonLines(const std::string& path)
{
    std::vector<json> out;
    std::istringstream in(slurp(path));
    for (std::string l; std::getline(in, l);)
        if (!l.empty())
            out.push_back(json::parse(l));
    return out;
}

// One trace record as truth.jsonl gives it.
struct Record
{
    int lineNo = 0;
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    bool cut = false;
    int process = 1, step = -1, turn = -1;
    std::string problem; // "level<l>/<id>", as kernelwatch names it
    std::string status;  // kernelwatch's vocabulary
    double reward = NAN, timestamp = NAN;
    bool hasSpeedup = false;
    double speedup = NAN;
};

inline std::vector<Record> truth(const std::string& run)
{
    std::vector<Record> out;
    for (const json& t : jsonLines(runDir(run) + "/truth.jsonl")) {
        Record r;
        r.lineNo = t["line_no"].get<int>();
        r.offset = t["offset"].get<std::uint64_t>();
        r.length = t["length"].get<std::uint32_t>();
        r.cut = t["cut"].get<bool>();
        r.process = t["process"].get<int>();
        r.step = t["step"].get<int>();
        r.turn = t["turn"].get<int>();
        r.problem = "level" + std::to_string(t["level"].get<int>()) + "/" + t["problem_id"].dump();
        r.status = t["expected_status"].get<std::string>();
        r.reward = t["reward"].get<double>();
        r.timestamp = t["timestamp"].get<double>();
        r.hasSpeedup = t["speedup"].is_number();
        if (r.hasSpeedup)
            r.speedup = t["speedup"].get<double>();
        out.push_back(r);
    }
    return out;
}

// The records that reached the disk whole (not a crash's fragment).
inline std::vector<Record> wholeRecords(const std::string& run)
{
    std::vector<Record> out;
    for (const Record& r : truth(run))
        if (!r.cut)
            out.push_back(r);
    return out;
}

inline std::string recordBytes(const std::string& traces, const Record& r)
{
    return traces.substr(r.offset, r.length);
}

inline void setMtime(const std::string& path, double t)
{
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(t);
    ts[0].tv_nsec = ts[1].tv_nsec = static_cast<long>((t - std::floor(t)) * 1e9);
    ::utimensat(AT_FDCWD, path.c_str(), ts, 0);
}

inline bool generatorFile(const std::string& rel)
{
    return rel == "truth.jsonl" || rel == "timeline.jsonl";
}

// The time of the last recorded write of every file (relative path -> unix s).
inline std::map<std::string, double> lastWrites(const std::string& run)
{
    std::map<std::string, double> last;
    for (const json& e : jsonLines(runDir(run) + "/timeline.jsonl"))
        if (e.contains("path"))
            last[e["path"].get<std::string>()] = e["t"].get<double>();
    return last;
}

// Whether the run's last training process was killed (its last step never logged).
inline bool endsKilled(const std::string& run)
{
    bool killed = false;
    for (const json& e : jsonLines(runDir(run) + "/timeline.jsonl"))
        if (e.value("end", false))
            killed = e.value("killed", false);
    return killed;
}

// Copies what kernel_rl wrote into `dst` (not the generator's truth.jsonl / timeline.jsonl),
// TensorBoard files included or not, with the recorded mtimes (stamp) or the copy's (now).
inline void copyRun(const std::string& run, const std::string& dst, bool tensorboard = true,
                    bool stamp = true)
{
    const std::string src = runDir(run);
    fs::create_directories(dst);
    const auto last = lastWrites(run);
    std::vector<std::pair<std::string, double>> stamps;
    for (const auto& e : fs::recursive_directory_iterator(src)) {
        const std::string rel = fs::relative(e.path(), src).generic_string();
        if (generatorFile(rel) || (!tensorboard && rel.rfind("tensorboard", 0) == 0))
            continue;
        if (e.is_directory()) {
            fs::create_directories(dst + "/" + rel);
            continue;
        }
        fs::copy_file(e.path(), dst + "/" + rel, fs::copy_options::overwrite_existing);
        if (auto it = last.find(rel); stamp && it != last.end())
            stamps.emplace_back(dst + "/" + rel, it->second);
    }
    for (const auto& [path, t] : stamps)
        setMtime(path, t);
}

// Writes a run again into `dst` in the order and at the (file) times kernel_rl wrote it: the
// timeline's file changes and one trace record at a time at its recorded timestamp (replay.py's
// order). Each event stamps the file's mtime with its recorded time.
class Replay
{
public:
    struct Event
    {
        double t = 0;
        int order = 1;
        std::size_t n = 0;
        std::string path;
        std::size_t start = 0, end = 0; // bytes of the recorded file
        bool rewrite = false;
        std::string content; // rewrite only
        int record = -1;     // index in truth(run) for a trace record
    };

    Replay(const std::string& run, const std::string& dst, bool tensorboard = false)
        : m_src(runDir(run)), m_dst(dst)
    {
        fs::create_directories(dst);
        std::map<std::string, std::size_t> last;
        std::size_t n = 0;
        for (const json& e : jsonLines(m_src + "/timeline.jsonl")) {
            if (!e.contains("path"))
                continue;
            Event ev;
            ev.path = e["path"].get<std::string>();
            if (generatorFile(ev.path) || ev.path == "traces.jsonl" ||
                (!tensorboard && ev.path.rfind("tensorboard", 0) == 0))
                continue;
            ev.t = e["t"].get<double>();
            ev.order = ev.path == "config.json" ? 0 : 1;
            ev.n = n++;
            if (e.value("rewrite", false)) {
                ev.rewrite = true;
                ev.content = e["content"].get<std::string>();
            } else {
                ev.start = last[ev.path];
                ev.end = e["size"].get<std::size_t>();
                last[ev.path] = ev.end;
            }
            m_events.push_back(ev);
        }
        const auto records = truth(run);
        for (std::size_t i = 0; i < records.size(); ++i) {
            Event ev;
            ev.t = records[i].timestamp;
            ev.n = n++;
            ev.path = "traces.jsonl";
            ev.start = records[i].offset;
            ev.end = records[i].offset + records[i].length + (records[i].cut ? 0 : 1);
            ev.record = int(i);
            m_events.push_back(ev);
        }
        std::stable_sort(m_events.begin(), m_events.end(), [](const Event& a, const Event& b) {
            return a.t != b.t ? a.t < b.t : a.order != b.order ? a.order < b.order : a.n < b.n;
        });
    }

    bool done() const { return m_next >= m_events.size(); }
    const Event& peek() const { return m_events[m_next]; }
    std::string path(const std::string& rel) const { return m_dst + "/" + rel; }

    // Applies the next event, or only its first `bytes` bytes (the rest waits for the next call).
    void apply(std::size_t bytes = std::string::npos)
    {
        Event& e = m_events[m_next];
        const std::string dst = path(e.path);
        fs::create_directories(fs::path(dst).parent_path());
        if (e.rewrite) {
            std::ofstream(dst, std::ios::binary | std::ios::trunc) << e.content;
        } else {
            if (!m_sources.count(e.path))
                m_sources[e.path] = slurp(m_src + "/" + e.path);
            const std::string& all = m_sources[e.path];
            const std::size_t from = std::max(e.start, m_written[e.path]);
            const std::size_t to =
                std::min({e.end, all.size(), bytes == std::string::npos ? e.end : from + bytes});
            std::ofstream(dst, std::ios::binary | std::ios::app) << all.substr(from, to - from);
            m_written[e.path] = to;
            if (to < e.end) {
                setMtime(dst, e.t);
                return; // a piece: the event stays next
            }
        }
        setMtime(dst, e.t);
        ++m_next;
    }

    // Applies whole events while `go(next event)` holds.
    template <class Pred> void applyWhile(Pred go)
    {
        while (!done() && go(peek()))
            apply();
    }

private:
    std::string m_src, m_dst;
    std::vector<Event> m_events;
    std::size_t m_next = 0;
    std::map<std::string, std::string> m_sources;
    std::map<std::string, std::size_t> m_written;
};

// A copy of a run with every kind of line a watcher must survive appended, each made from the
// run's own lines: what a crash, a disk error or a foreign writer leaves (kernel_rl writes none of
// these itself, except the cut record the crash runs hold).
struct BadRun
{
    std::vector<Record> truth;   // the run's records (file order), before the bad lines
    std::size_t goodRecords = 0; // whole records among them
    std::size_t lines = 0;       // non-blank trace lines in all
    std::size_t records = 0;     // lines that yield a record, in all
    std::size_t firstBadRow = 0; // row index of the first appended line (the truncated one)
    Record odd, recovered, crlf; // the appended lines that still yield a record: whose copies
    int metricsLines = 0, metricsRecords = 0;
};

inline std::string replaceOnce(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

// Replaces the value of the first `"key": <number>` at or after `from` with `value`.
inline std::string replaceNumber(std::string s, const std::string& key, const std::string& value,
                                 std::size_t from = 0)
{
    const std::string k = "\"" + key + "\": ";
    const auto at = s.find(k, from);
    if (at == std::string::npos)
        return s;
    const auto v = at + k.size();
    const auto end = s.find_first_of(",}", v);
    return s.replace(v, end - v, value);
}

// Copies `run` to `dst` and appends, to traces.jsonl: a record cut in half (truncated), a record
// with a doubled comma (invalid JSON), a record with NUL and 0xff bytes in a string (binary), a
// record wrapped in an array (not an object), a record without its eval_result (missing fields),
// a blank line, a line of text (invalid JSON); then three lines that still yield a record: a
// record with non-UTF-8 bytes in a string and a NaN speedup, a cut record followed on the same line
// by a whole one (recovered), a record ending in CRLF. To metrics.jsonl: its last line as step 99
// with NaN / Infinity (a record), without "step" (missing fields), cut (truncated).
inline BadRun makeBadRun(const std::string& run, const std::string& dst)
{
    copyRun(run, dst);
    BadRun b;
    b.truth = truth(run);
    const std::string traces = slurp(runDir(run) + "/traces.jsonl");
    std::vector<Record> whole;
    for (const Record& r : b.truth)
        if (!r.cut)
            whole.push_back(r);
    b.goodRecords = whole.size();
    for (char c : traces)
        b.lines += c == '\n';
    if (!traces.empty() && traces.back() != '\n')
        ++b.lines; // a cut last line
    b.firstBadRow = b.lines;
    b.records = whole.size();
    const Record& a = whole[0];
    const Record& c = whole[whole.size() / 2];
    const Record& d = whole.back();
    b.odd = c; // a record with a speedup when the run has one: it becomes NaN
    for (const Record& r : whole)
        if (r.hasSpeedup) {
            b.odd = r;
            break;
        }
    b.recovered = d;
    b.crlf = a;
    const std::string la = recordBytes(traces, a), lc = recordBytes(traces, c), ld = recordBytes(traces, d);
    std::string out;
    if (!traces.empty() && traces.back() != '\n')
        out += "\n";                                              // after a cut last line, a new line starts
    out += la.substr(0, la.size() / 2) + "\n";                    // truncated
    out += replaceOnce(lc, "\"level\": ", "\"level\":, ") + "\n"; // invalid JSON
    std::string bin = ld;                                         // binary
    const auto q = bin.find("\"role\": \"") + 9;
    bin[q] = '\0';
    bin[q + 1] = '\xff';
    out += bin + "\n";
    out += "[" + la + "]\n";                                               // not an object
    out += replaceOnce(lc, "\"eval_result\":", "\"eval_resulx\":") + "\n"; // missing fields
    out += "   \n";                                                        // blank
    out += "not json at all\n";                                            // garbage
    b.lines += 6;
    std::string odd = recordBytes(traces, b.odd);
    odd = replaceNumber(odd, "speedup", "NaN", odd.find("\"eval_result\": {"));
    odd = replaceOnce(odd, "\"huggingface\"",
                      "\"hugging\xff\xfe"
                      "face\"");
    out += odd + "\n";
    out += lc.substr(0, 150) + ld + "\n"; // recovered: the whole record is d
    out += la + "\r\n";
    b.lines += 3;
    b.records += 3;
    std::ofstream(dst + "/traces.jsonl", std::ios::binary | std::ios::app) << out;

    std::vector<std::string> mlines;
    std::istringstream in(slurp(runDir(run) + "/metrics.jsonl"));
    for (std::string l; std::getline(in, l);)
        mlines.push_back(l);
    b.metricsLines = int(mlines.size()) + 3;
    b.metricsRecords = int(mlines.size()) + 1;
    const std::string& last = mlines.back();
    const std::string m99 = replaceNumber(replaceNumber(replaceNumber(last, "step", "99"), "optim/lr", "NaN"),
                                          "time/total", "Infinity");
    std::string noStep = last;
    const auto st = noStep.find("\"step\": ");
    noStep.erase(st, noStep.find(", ", st) + 2 - st);
    std::ofstream(dst + "/metrics.jsonl", std::ios::binary | std::ios::app)
        << m99 << "\n"
        << noStep << "\n"
        << last.substr(0, last.size() / 2) << "\n";
    return b;
}

} // namespace kwcorpus
