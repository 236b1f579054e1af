#pragma once

#include "core/base/Subprocess.h"
#include "core/local/ZygoteEvent.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kw {

struct ZygoteOptions
{
    std::string python;        // interpreter path
    std::string device;        // "cpu" | "cuda:N" (passed as --device)
    std::string cacheDir;      // shared compile cache (--cache-dir)
    std::string mode = "eval"; // eval | compile
    std::string module = "kernelwatch_eval.zygote";
    std::vector<std::string> extraArgs; // e.g. {"--threads", "4"}
    std::vector<std::string> env;       // the whole environment, see childenv::forZygote
    // Called on the reader thread with each line the zygote writes on stderr (diagnostics).
    std::function<void(const std::string&)> onStderrLine;
};

// One zygote process (python -m kernelwatch_eval.zygote ...): starts it, writes commands to its
// stdin, and reads its event channel on a thread of its own, handing each event to `onEvent`
// (on that thread, no lock held). When the channel closes or the process dies, a final
// ZygoteDied event is delivered. The zygote runs in its own session; stop() and the
// destructor end it (shutdown command, EOF, then SIGKILL) and reap it.
class Zygote
{
public:
    using EventFn = std::function<void(const ZygoteEvent&)>;

    Zygote(ZygoteOptions options, EventFn onEvent);
    ~Zygote();
    Zygote(const Zygote&) = delete;
    Zygote& operator=(const Zygote&) = delete;

    // Spawns the process and the reader thread. Empty string on success.
    std::string start();
    // Blocks until the ready event; empty string when ready, else why not (the zygote died,
    // with the last lines of its stderr, or it was not ready in time).
    std::string waitReady(double timeoutS);

    bool ready() const;
    bool alive() const; // started and not yet seen dead
    ZygoteEvent readyInfo() const;
    pid_t pid() const { return m_pid; }
    const ZygoteOptions& options() const { return m_options; }
    std::string stderrTail() const;
    std::string commandLine() const;

    // Writes one command line (thread-safe). False when the zygote no longer reads.
    bool send(const std::string& line);

    // Ends the zygote: shutdown command and EOF, up to graceS to exit, then SIGKILL; joins the
    // reader. Idempotent.
    void stop(double graceS = 2.0);
    // SIGKILL now (the reader reports ZygoteDied); does not wait.
    void kill();

private:
    void readLoop();
    void handleLine(std::string_view line);
    void handleStderr(std::string& pending, bool flush);
    std::string deathMessage(const ExitStatus& st) const;

    ZygoteOptions m_options;
    EventFn m_onEvent;
    Subprocess m_proc;
    pid_t m_pid = -1;
    std::thread m_reader;

    mutable std::mutex m_mutex; // guards the fields below and m_proc's wait/signal calls
    std::condition_variable m_cv;
    bool m_started = false;
    bool m_ready = false;
    bool m_dead = false;
    ZygoteEvent m_readyInfo;
    std::string m_stderrTail;
    std::string m_deathMessage;

    std::mutex m_writeMutex; // guards stdin
};

} // namespace kw
