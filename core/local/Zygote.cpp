#include "core/local/Zygote.h"

#include <chrono>
#include <csignal>
#include <poll.h>

namespace kw {

namespace {
constexpr std::size_t kMaxLine = 64u << 20; // a result line far above any real one
constexpr std::size_t kStderrTail = 16u << 10;
using Clock = std::chrono::steady_clock;

std::string lastLines(const std::string& text, int n)
{
    std::size_t end = text.find_last_not_of(" \n\r\t");
    if (end == std::string::npos)
        return {};
    std::size_t pos = end + 1;
    for (int i = 0; i < n && pos > 0; ++i) {
        const auto nl = text.rfind('\n', pos - 1);
        pos = nl == std::string::npos ? 0 : nl;
        if (nl == std::string::npos)
            break;
    }
    std::string s = text.substr(pos, end + 1 - pos);
    while (!s.empty() && (s.front() == '\n' || s.front() == '\r'))
        s.erase(0, 1);
    return s;
}
} // namespace

Zygote::Zygote(ZygoteOptions options, EventFn onEvent)
    : m_options(std::move(options)), m_onEvent(std::move(onEvent))
{
}

Zygote::~Zygote()
{
    stop(1.0);
}

std::string Zygote::commandLine() const
{
    std::string s = m_options.python + " -m " + m_options.module + " --device " + m_options.device +
                    " --cache-dir " + m_options.cacheDir;
    if (m_options.mode != "eval")
        s += " --mode " + m_options.mode;
    for (const auto& a : m_options.extraArgs)
        s += " " + a;
    return s;
}

std::string Zygote::start()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_started)
            return "zygote already started";
    }
    SpawnOptions o;
    o.argv = {m_options.python, "-m",          m_options.module,  "--device",
              m_options.device, "--cache-dir", m_options.cacheDir};
    if (m_options.mode != "eval") {
        o.argv.push_back("--mode");
        o.argv.push_back(m_options.mode);
    }
    o.argv.insert(o.argv.end(), m_options.extraArgs.begin(), m_options.extraArgs.end());
    o.env = m_options.env;
    o.newSession = true;
    if (std::string err = m_proc.start(o); !err.empty())
        return "cannot start " + commandLine() + ": " + err;
    m_pid = m_proc.pid();
    {
        std::lock_guard lock(m_mutex);
        m_started = true;
    }
    m_reader = std::thread([this] { readLoop(); });
    return {};
}

std::string Zygote::waitReady(double timeoutS)
{
    std::unique_lock lock(m_mutex);
    if (!m_started)
        return "the evaluator process was not started";
    m_cv.wait_for(lock, std::chrono::duration<double>(timeoutS), [this] { return m_ready || m_dead; });
    if (m_ready)
        return {};
    if (m_dead)
        return m_deathMessage;
    return "the evaluator process for " + m_options.device + " (" + commandLine() +
           ") was not ready within " + std::to_string(int(timeoutS)) + " s";
}

bool Zygote::ready() const
{
    std::lock_guard lock(m_mutex);
    return m_ready && !m_dead;
}

bool Zygote::alive() const
{
    std::lock_guard lock(m_mutex);
    return m_started && !m_dead;
}

ZygoteEvent Zygote::readyInfo() const
{
    std::lock_guard lock(m_mutex);
    return m_readyInfo;
}

std::string Zygote::stderrTail() const
{
    std::lock_guard lock(m_mutex);
    return m_stderrTail;
}

bool Zygote::send(const std::string& line)
{
    std::lock_guard lock(m_writeMutex);
    return m_proc.writeAll(line, 10000);
}

void Zygote::kill()
{
    std::lock_guard lock(m_mutex);
    if (!m_started || m_dead)
        return;
    m_proc.signalGroup(SIGKILL);
    m_proc.signal(SIGKILL);
}

void Zygote::stop(double graceS)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_started)
            return;
    }
    {
        std::lock_guard wlock(m_writeMutex);
        if (m_proc.stdinOpen()) {
            m_proc.writeAll(zygoteShutdownCommand(), 200);
            m_proc.closeStdin();
        }
    }
    {
        std::unique_lock lock(m_mutex);
        if (!m_cv.wait_for(lock, std::chrono::duration<double>(graceS), [this] { return m_dead; })) {
            m_proc.signalGroup(SIGKILL);
            m_proc.signal(SIGKILL);
        }
    }
    if (m_reader.joinable())
        m_reader.join();
}

std::string Zygote::deathMessage(const ExitStatus& st) const
{
    std::string msg = "the evaluator process for " + m_options.device;
    if (m_options.mode != "eval")
        msg += " (" + m_options.mode + " mode)";
    msg += " exited with " + st.describe();
    const std::string tail = lastLines(m_stderrTail, 3);
    if (!tail.empty())
        msg += ": " + tail;
    return msg;
}

void Zygote::handleLine(std::string_view line)
{
    if (line.empty() || line == "\r")
        return;
    ZygoteEvent ev = parseZygoteEvent(line);
    if (ev.type == ZygoteEvent::Type::Ready) {
        std::lock_guard lock(m_mutex);
        m_readyInfo = ev;
        m_ready = true;
        m_cv.notify_all();
    }
    if (m_onEvent)
        m_onEvent(ev);
}

void Zygote::handleStderr(std::string& pending, bool flush)
{
    std::size_t start = 0;
    for (;;) {
        const auto nl = pending.find('\n', start);
        if (nl == std::string::npos)
            break;
        if (m_options.onStderrLine)
            m_options.onStderrLine(pending.substr(start, nl - start));
        start = nl + 1;
    }
    if (flush && start < pending.size()) {
        if (m_options.onStderrLine)
            m_options.onStderrLine(pending.substr(start));
        start = pending.size();
    }
    pending.erase(0, start);
    if (pending.size() > kStderrTail) // a line without end: keep only its tail pending
        pending.erase(0, pending.size() - kStderrTail);
}

void Zygote::readLoop()
{
    std::string out, err;
    bool skipping = false; // inside an over-long line: drop until its newline
    std::optional<ExitStatus> exit;
    auto drainStdout = [&] {
        std::size_t start = 0;
        for (;;) {
            const auto nl = out.find('\n', start);
            if (nl == std::string::npos)
                break;
            if (!skipping)
                handleLine(std::string_view(out).substr(start, nl - start));
            skipping = false;
            start = nl + 1;
        }
        out.erase(0, start);
        if (out.size() > kMaxLine) {
            if (!skipping) {
                ZygoteEvent ev;
                ev.error = "event line over " + std::to_string(kMaxLine >> 20) + " MiB dropped";
                if (m_onEvent)
                    m_onEvent(ev);
            }
            skipping = true;
            out.clear();
        }
    };
    auto readStderr = [&] {
        std::string chunk;
        while (m_proc.readSome(Subprocess::Stream::Stderr, chunk) > 0) {
        }
        if (chunk.empty())
            return;
        {
            std::lock_guard lock(m_mutex);
            m_stderrTail += chunk;
            if (m_stderrTail.size() > kStderrTail)
                m_stderrTail.erase(0, m_stderrTail.size() - kStderrTail);
        }
        err += chunk;
        handleStderr(err, false);
    };

    Clock::time_point eofAt{};
    for (;;) {
        pollfd fds[2];
        nfds_t n = 0;
        const int fo = m_proc.fd(Subprocess::Stream::Stdout), fe = m_proc.fd(Subprocess::Stream::Stderr);
        if (fo >= 0)
            fds[n++] = {fo, POLLIN, 0};
        if (fe >= 0)
            fds[n++] = {fe, POLLIN, 0};
        if (n > 0)
            ::poll(fds, n, 250);

        while (m_proc.readSome(Subprocess::Stream::Stdout, out) > 0)
            drainStdout();
        readStderr();

        {
            std::lock_guard lock(m_mutex);
            exit = m_proc.tryWait();
        }
        const bool stdoutClosed = !m_proc.streamOpen(Subprocess::Stream::Stdout);
        if (exit) {
            // Dead: collect whatever is still buffered in the pipes, then report.
            while (m_proc.readSome(Subprocess::Stream::Stdout, out) > 0)
                drainStdout();
            readStderr();
            break;
        }
        if (stdoutClosed) {
            // The channel closed but the process lives: give it a moment to exit, then end it.
            if (eofAt == Clock::time_point{})
                eofAt = Clock::now();
            else if (Clock::now() - eofAt > std::chrono::seconds(2)) {
                std::lock_guard lock(m_mutex);
                m_proc.signalGroup(SIGKILL);
                m_proc.signal(SIGKILL);
            }
            if (n == 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    handleStderr(err, true);

    ZygoteEvent died;
    died.type = ZygoteEvent::Type::ZygoteDied;
    died.exitCode = exit->exitCode;
    died.signal = exit->signal;
    died.pid = m_pid;
    {
        std::lock_guard lock(m_mutex);
        died.error = m_deathMessage = deathMessage(*exit);
        died.logTail = m_stderrTail;
        m_dead = true;
        m_cv.notify_all();
    }
    if (m_onEvent)
        m_onEvent(died);
}

} // namespace kw
