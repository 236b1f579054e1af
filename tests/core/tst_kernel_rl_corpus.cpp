// kernel_rl run directories written by kernel_rl's own training loop, trace logger and checkpoint
// code (tests/fixtures/kernel_rl: generator, README, and a truth.jsonl per run from the
// generator's instrumentation). Every record's step, turn, problem, reward, speedup and status
// must match the truth, read after the fact and followed live while the run is replayed in
// kernel_rl's write order (timeline.jsonl) with the files' mtimes set to the run's clock.
#include "core/watch/RunDirWatcher.h"

#include "tests/TestPaths.h"
#include "tests/TestPrinters.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

using namespace kw;
using nlohmann::json;

namespace {

std::string corpusDir()
{
    return kwtest::fixturesPath() + "/kernel_rl/runs";
}

std::string slurp(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<json> jsonLines(const std::string& path)
{
    std::vector<json> out;
    std::istringstream in(slurp(path));
    std::string l;
    while (std::getline(in, l))
        if (!l.empty())
            out.push_back(json::parse(l));
    return out;
}

struct Collected
{
    std::map<std::uint64_t, EvalResult> byOffset; // metadata.trace.offset -> latest result
    RunDirWatcher::Callbacks callbacks()
    {
        RunDirWatcher::Callbacks cb;
        cb.onResults = [this](const ResultBatch& b) {
            for (const auto& r : b.results)
                byOffset[r.metadata["trace"]["offset"].get<std::uint64_t>()] = r;
        };
        return cb;
    }
};

// Compares every whole record of the truth with what the watcher produced; returns the mismatches.
std::vector<std::string> compare(const std::string& run, const std::map<std::uint64_t, EvalResult>& got)
{
    std::vector<std::string> bad;
    int whole = 0;
    for (const json& t : jsonLines(corpusDir() + "/" + run + "/truth.jsonl")) {
        const auto offset = t["offset"].get<std::uint64_t>();
        const std::string where =
            run + " line " + std::to_string(t["line_no"].get<int>()) + " @" + std::to_string(offset);
        auto it = got.find(offset);
        if (t["cut"].get<bool>()) {
            if (it != got.end())
                bad.push_back(where + ": a cut fragment became a row");
            continue;
        }
        ++whole;
        if (it == got.end()) {
            bad.push_back(where + ": no row");
            continue;
        }
        const EvalResult& r = it->second;
        auto check = [&](const char* what, const std::string& want, const std::string& have) {
            if (want != have)
                bad.push_back(where + ": " + what + " " + have + ", truth " + want);
        };
        check("step", std::to_string(t["step"].get<int>()), std::to_string(r.request.step));
        check("turn", std::to_string(t["turn"].get<int>()), std::to_string(r.request.turn));
        check("problem", "level" + std::to_string(t["level"].get<int>()) + "/" + t["problem_id"].dump(),
              r.request.problem);
        check("status", t["expected_status"].get<std::string>(), std::string(statusName(r.status)));
        const double reward =
            r.metadata.value("reward", json()).is_number() ? r.metadata["reward"].get<double>() : NAN;
        if (!(std::fabs(reward - t["reward"].get<double>()) < 1e-9))
            bad.push_back(where + ": reward " + std::to_string(reward));
        const bool truthSpeedup = t["speedup"].is_number();
        if (truthSpeedup != r.speedup.has_value() ||
            (truthSpeedup && std::fabs(*r.speedup - t["speedup"].get<double>()) > 1e-9))
            bad.push_back(where + ": speedup");
    }
    if (whole == 0)
        bad.push_back(run + ": empty truth");
    return bad;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < 20; ++i)
        s += v[i] + "\n";
    return s + std::to_string(v.size()) + " mismatches";
}

void setMtime(const std::string& path, double t)
{
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(t);
    ts[0].tv_nsec = ts[1].tv_nsec = static_cast<long>((t - std::floor(t)) * 1e9);
    ::utimensat(AT_FDCWD, path.c_str(), ts, 0);
}

} // namespace

class TestKernelRlCorpus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!std::filesystem::exists(corpusDir() + "/crash_resume/truth.jsonl"))
            QSKIP("kernel_rl corpus not found (tests/fixtures/kernel_rl/runs)");
    }

    void afterTheFact_data()
    {
        QTest::addColumn<QString>("run");
        for (const auto& e : std::filesystem::directory_iterator(corpusDir()))
            QTest::newRow(e.path().filename().c_str())
                << QString::fromStdString(e.path().filename().string());
    }

    void afterTheFact()
    {
        QFETCH(QString, run);
        Collected c;
        RunDirWatcher::Options o;
        o.runDir = corpusDir() + "/" + run.toStdString();
        RunDirWatcher w(o, c.callbacks());
        for (int i = 0; i < 1000; ++i)
            if (const PollStatus s = w.poll(1 << 20); w.caughtUp() && !s.more)
                break;
        QVERIFY(w.caughtUp());
        const auto bad = compare(run.toStdString(), c.byOffset);
        QVERIFY2(bad.empty(), joined(bad).c_str());
    }

    void live_data() { afterTheFact_data(); }

    void live()
    {
        // The run written again into an empty folder in kernel_rl's order, each trace append in
        // two chunks, while a watcher follows it from before the first file exists.
        QFETCH(QString, run);
        const std::string src = corpusDir() + "/" + run.toStdString();
        QTemporaryDir tmp;
        const std::string dst = tmp.path().toStdString() + "/" + run.toStdString();
        std::filesystem::create_directories(dst);
        Collected c;
        RunDirWatcher::Options o;
        o.runDir = dst;
        RunDirWatcher w(o, c.callbacks());
        for (int i = 0; i < 10 && !w.caughtUp(); ++i)
            w.poll(1 << 20);
        QVERIFY(w.caughtUp());

        std::map<std::string, std::string> sources;
        std::map<std::string, std::size_t> written;
        auto pollAll = [&] {
            for (int i = 0; i < 50; ++i)
                if (!w.poll(1 << 20).more)
                    break;
        };
        for (const json& e : jsonLines(src + "/timeline.jsonl")) {
            if (!e.contains("path"))
                continue; // process start / kill markers
            const std::string rel = e["path"].get<std::string>();
            const std::string path = dst + "/" + rel;
            std::filesystem::create_directories(std::filesystem::path(path).parent_path());
            const double t = e["t"].get<double>();
            if (e.value("rewrite", false)) {
                std::ofstream(path, std::ios::binary | std::ios::trunc) << e["content"].get<std::string>();
                written[rel] = e["content"].get<std::string>().size();
                setMtime(path, t);
                pollAll();
                continue;
            }
            if (!sources.count(rel))
                sources[rel] = slurp(src + "/" + rel);
            const std::string& all = sources[rel];
            const std::size_t from = written[rel],
                              to = std::min<std::size_t>(e["size"].get<std::size_t>(), all.size());
            if (to <= from)
                continue;
            const bool twoChunks = rel == "traces.jsonl" && to - from > 64;
            const std::size_t mid = twoChunks ? from + (to - from) / 2 : to;
            {
                std::ofstream f(path, std::ios::binary | std::ios::app);
                f << all.substr(from, mid - from);
            }
            setMtime(path, t);
            if (twoChunks) {
                pollAll(); // half a line: nothing yet
                std::ofstream(path, std::ios::binary | std::ios::app) << all.substr(mid, to - mid);
                setMtime(path, t);
            }
            written[rel] = to;
            pollAll();
        }
        const auto bad = compare(run.toStdString(), c.byOffset);
        QVERIFY2(bad.empty(), joined(bad).c_str());
    }
};

QTEST_GUILESS_MAIN(TestKernelRlCorpus)
#include "tst_kernel_rl_corpus.moc"
