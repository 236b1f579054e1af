// Plain driver for the fuzz targets when libFuzzer is not used. It replays every file given on
// the command line (directories are walked) through LLVMFuzzerTestOneInput, then, with
// --mutate-seconds S, keeps mutating those inputs (bit flips, byte edits, chunk copies, splices,
// structural tokens, long runs) and feeding them to the target for S seconds: bounded fuzzing in
// any build, meant for the ASan + UBSan one. An input that kills the process is written to
// fuzz-crash-<target>-<seed>.bin first (sanitizer death callback or a fatal-signal handler), and
// the seed is printed so that a run repeats with --seed N. libFuzzer proper: the fuzz preset.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace {

// The input being run, for the crash writers (set before every call).
const std::string* g_current = nullptr;
char g_crashPath[512] = "fuzz-crash.bin";

void writeCurrent()
{
    if (!g_current)
        return;
    const int fd = ::open(g_crashPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    const char* p = g_current->data();
    std::size_t left = g_current->size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n <= 0)
            break;
        p += n;
        left -= std::size_t(n);
    }
    ::close(fd);
    const char msg[] = "fuzz driver: the crashing input was written to ";
    [[maybe_unused]] ssize_t w = ::write(2, msg, sizeof msg - 1);
    w = ::write(2, g_crashPath, std::strlen(g_crashPath));
    w = ::write(2, "\n", 1);
}

void onFatalSignal(int sig)
{
    writeCurrent();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

void run(const std::string& bytes)
{
    g_current = &bytes;
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    g_current = nullptr;
}

std::string readFile(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
}

class Mutator
{
public:
    explicit Mutator(std::uint64_t seed) : m_rng(seed) {}

    std::string mutate(std::string s, const std::vector<std::string>& corpus)
    {
        const int edits = 1 + int(pick(4));
        for (int i = 0; i < edits; ++i)
            edit(s, corpus);
        if (s.size() > kMaxLen)
            s.resize(kMaxLen);
        return s;
    }

private:
    static constexpr std::size_t kMaxLen = 1 << 16;

    std::size_t pick(std::size_t n)
    {
        return n ? std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng) : 0;
    }

    void edit(std::string& s, const std::vector<std::string>& corpus)
    {
        static const char* const kTokens[] = {"{",    "}",   "[",     "]",  "\"",      ":",
                                              ",",    "\n",  "\r\n",  "\\", "\\u0000", "\\ud800",
                                              "null", "NaN", "1e999", "-0", "\xff",    "\xc3(",
                                              "\t",   " ",   "---",   "- ", "#",       "KERNELWATCH_EVAL "};
        switch (pick(8)) {
        case 0: // flip a bit
            if (!s.empty())
                s[pick(s.size())] ^= char(1u << pick(8));
            break;
        case 1: // set a byte
            if (!s.empty())
                s[pick(s.size())] = char(pick(256));
            break;
        case 2: // delete a range
            if (!s.empty()) {
                const std::size_t at = pick(s.size());
                s.erase(at, 1 + pick(std::min<std::size_t>(64, s.size() - at)));
            }
            break;
        case 3: // insert a token
        {
            const char* t = kTokens[pick(sizeof kTokens / sizeof *kTokens)];
            s.insert(pick(s.size() + 1), t);
            break;
        }
        case 4: // copy a chunk elsewhere
            if (!s.empty()) {
                const std::size_t from = pick(s.size());
                const std::string chunk =
                    s.substr(from, 1 + pick(std::min<std::size_t>(256, s.size() - from)));
                s.insert(pick(s.size() + 1), chunk);
            }
            break;
        case 5: // splice with another input
            if (!corpus.empty()) {
                const std::string& o = corpus[pick(corpus.size())];
                s = s.substr(0, pick(s.size() + 1)) + o.substr(pick(o.size() + 1));
            }
            break;
        case 6: // a long run of one byte
            s.insert(pick(s.size() + 1), std::string(1 + pick(4096), char(pick(256))));
            break;
        default: // truncate
            s.resize(pick(s.size() + 1));
            break;
        }
    }

    std::mt19937_64 m_rng;
};

} // namespace

int main(int argc, char** argv)
{
    double mutateSeconds = 0;
    std::uint64_t seed = std::random_device{}();
    std::vector<std::filesystem::path> paths;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--mutate-seconds" && i + 1 < argc)
            mutateSeconds = std::atof(argv[++i]);
        else if (a == "--seed" && i + 1 < argc)
            seed = std::strtoull(argv[++i], nullptr, 10);
        else
            paths.emplace_back(a);
    }
    const std::string target = std::filesystem::path(argv[0]).filename().string();
    std::snprintf(g_crashPath, sizeof g_crashPath, "fuzz-crash-%s-%llu.bin", target.c_str(),
                  static_cast<unsigned long long>(seed));
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(writeCurrent);
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
        std::signal(sig, onFatalSignal);

    std::vector<std::string> corpus;
    for (const auto& p : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec))
                if (e.is_regular_file())
                    corpus.push_back(readFile(e.path()));
        } else {
            corpus.push_back(readFile(p));
        }
    }
    for (const std::string& input : corpus)
        run(input);
    // Also the empty input, so a run without files still exercises the target once.
    run(std::string());
    std::printf("replayed %zu input(s)\n", corpus.size());

    if (mutateSeconds > 0) {
        if (corpus.empty())
            corpus.emplace_back();
        Mutator m(seed);
        const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(mutateSeconds);
        unsigned long long runs = 0;
        while (std::chrono::steady_clock::now() < end) {
            for (int i = 0; i < 64; ++i, ++runs)
                run(m.mutate(corpus[runs % corpus.size()], corpus));
        }
        std::printf("fuzzed %llu mutated input(s) for %.0f s (seed %llu)\n", runs, mutateSeconds,
                    static_cast<unsigned long long>(seed));
    }
    return 0;
}
