#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace kw {

// How a process ended: exactly one of exitCode / signal is set.
struct ExitStatus
{
    std::optional<int> exitCode;
    std::optional<int> signal;
    bool ok() const { return exitCode && *exitCode == 0; }
    std::string describe() const; // "exit code 1", "signal SIGSEGV (Segmentation fault)"
};

// What to start. The environment is given whole ("NAME=value" entries); nothing is inherited
// implicitly, so callers decide what a child may see (see ChildEnv.h).
struct SpawnOptions
{
    std::vector<std::string> argv; // argv[0] is looked up on PATH when it has no '/'
    std::vector<std::string> env;
    std::string cwd;        // empty = inherit
    bool newSession = true; // setsid(): own process group, killGroup() reaches its children
    bool pipeStdin = true;  // else /dev/null
    bool pipeStdout = true; // else /dev/null
    bool pipeStderr = true; // else /dev/null
};

// One child process with pipes on stdin/stdout/stderr, started with posix_spawn (no fork of a
// large multi-threaded parent). Pipes are close-on-exec in the parent so concurrent spawns
// never leak each other's pipe ends; other inherited descriptors are closed in the child.
// Reads are non-blocking. Writes block but never raise SIGPIPE. The destructor kills the
// process group (when newSession) and reaps it.
//
// Thread-safety: writes, reads and wait may be called from different threads, but each of
// them from one thread at a time.
class Subprocess
{
public:
    Subprocess() = default;
    ~Subprocess();
    Subprocess(const Subprocess&) = delete;
    Subprocess& operator=(const Subprocess&) = delete;

    // Returns an empty string on success, else why it failed ("python3: No such file ...").
    std::string start(const SpawnOptions& options);
    pid_t pid() const { return m_pid; }
    bool running() const { return m_pid > 0 && !m_exit; }

    // Writes everything, waiting up to timeoutMs (-1 = forever) for a slow reader; false when
    // the reader is gone (EPIPE), on error or on timeout.
    bool writeAll(std::string_view data, int timeoutMs = 30000);
    // Writes what fits now: bytes written, 0 when the pipe is full, -1 when closed/broken.
    long writeSome(std::string_view data);
    void closeStdin();
    bool stdinOpen() const { return m_in >= 0; }
    int stdinFd() const { return m_in; }

    enum class Stream
    {
        Stdout,
        Stderr
    };
    // Appends whatever is available without blocking. Returns >0 bytes read, 0 at end of
    // stream, -1 when nothing is available now (or the stream is closed/absent).
    long readSome(Stream s, std::string& out, std::size_t max = 65536);
    bool streamOpen(Stream s) const;
    // Waits until stdout or stderr has data or hits EOF, up to timeoutMs (-1 = forever).
    // Returns false on timeout. Returns true at once when both streams are closed.
    bool waitReadable(int timeoutMs);
    int fd(Stream s) const { return s == Stream::Stdout ? m_out : m_err; }

    // Sends a signal to the process (group when newSession). False when already reaped.
    bool signal(int sig);
    bool signalGroup(int sig);

    // Reaps without blocking; the status once the process ended.
    std::optional<ExitStatus> tryWait();
    ExitStatus wait();
    // Waits up to timeoutS; nullopt when still running.
    std::optional<ExitStatus> waitFor(double timeoutS);
    // SIGKILL to the group (or process), then reap.
    ExitStatus kill();

private:
    void closeFd(int& fd);

    pid_t m_pid = -1;
    bool m_group = false;
    std::optional<ExitStatus> m_exit;
    int m_in = -1, m_out = -1, m_err = -1;
};

// Result of running a program to completion (runProgram).
struct ProgramOutput
{
    std::string startError; // non-empty: could not start
    ExitStatus status;
    bool timedOut = false;
    bool stopped = false; // the caller's stop flag ended it (process group killed)
    std::string out, err;
};

// Runs argv with env, feeds `input` on stdin, captures stdout/stderr (each capped at maxBytes,
// the tail kept), kills the process group after timeoutS, or within 0.1 s of `stop` being set.
ProgramOutput runProgram(const SpawnOptions& options, std::string_view input, double timeoutS,
                         std::size_t maxBytes = 4 << 20, const std::atomic<bool>* stop = nullptr);

// "SIGSEGV" for 11; "signal 77" when unknown.
std::string signalName(int sig);

} // namespace kw
