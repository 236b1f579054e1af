#include "core/base/Subprocess.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace kw {

namespace {

using Clock = std::chrono::steady_clock;

ExitStatus fromWaitStatus(int st)
{
    ExitStatus s;
    if (WIFEXITED(st))
        s.exitCode = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
        s.signal = WTERMSIG(st);
    else
        s.exitCode = -1;
    return s;
}

void setNonBlocking(int fd)
{
    const int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

// Blocks SIGPIPE in the calling thread for its lifetime and swallows one raised meanwhile, so
// a write to a dead reader fails with EPIPE instead of killing the (GUI) process.
class SigPipeGuard
{
public:
    SigPipeGuard()
    {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        m_wasPending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    }
    ~SigPipeGuard()
    {
        if (m_sawEpipe && !m_wasPending) {
            timespec zero{0, 0};
            while (sigtimedwait(&m_set, nullptr, &zero) == -1 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
    void sawEpipe() { m_sawEpipe = true; }

private:
    sigset_t m_set, m_old;
    bool m_wasPending = false;
    bool m_sawEpipe = false;
};

} // namespace

std::string signalName(int sig)
{
    if (const char* abbrev = sigabbrev_np(sig))
        return std::string("SIG") + abbrev;
    return "signal " + std::to_string(sig);
}

std::string ExitStatus::describe() const
{
    if (signal) {
        const char* d = sigdescr_np(*signal);
        return "signal " + signalName(*signal) + (d ? std::string(" (") + d + ")" : std::string());
    }
    if (exitCode)
        return "exit code " + std::to_string(*exitCode);
    return "still running";
}

Subprocess::~Subprocess()
{
    if (running())
        kill();
    closeFd(m_in);
    closeFd(m_out);
    closeFd(m_err);
}

void Subprocess::closeFd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

std::string Subprocess::start(const SpawnOptions& o)
{
    if (m_pid > 0)
        return "process already started";
    if (o.argv.empty())
        return "no program given";

    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    auto closeAll = [&] {
        for (int* p : {in, out, err})
            for (int i = 0; i < 2; ++i)
                if (p[i] >= 0)
                    ::close(p[i]);
    };
    if ((o.pipeStdin && pipe2(in, O_CLOEXEC) != 0) || (o.pipeStdout && pipe2(out, O_CLOEXEC) != 0) ||
        (o.pipeStderr && pipe2(err, O_CLOEXEC) != 0)) {
        const std::string e = std::strerror(errno);
        closeAll();
        return "cannot create pipes: " + e;
    }

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (o.pipeStdin)
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (o.pipeStdout)
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (o.pipeStderr)
        posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    else
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    // Descriptors opened elsewhere in this process without O_CLOEXEC must not reach the child.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (!o.cwd.empty())
        posix_spawn_file_actions_addchdir_np(&fa, o.cwd.c_str());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (o.newSession)
        flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&attr, flags);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM})
        sigaddset(&defaults, s);
    posix_spawnattr_setsigdefault(&attr, &defaults);

    std::vector<char*> argv, envp;
    for (const auto& a : o.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : o.env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, o.argv[0].c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        closeAll();
        return o.argv[0] + ": " + std::strerror(rc);
    }

    m_pid = pid;
    m_group = o.newSession;
    m_exit.reset();
    if (o.pipeStdin) {
        ::close(in[0]);
        m_in = in[1];
        setNonBlocking(m_in);
    }
    if (o.pipeStdout) {
        ::close(out[1]);
        m_out = out[0];
        setNonBlocking(m_out);
    }
    if (o.pipeStderr) {
        ::close(err[1]);
        m_err = err[0];
        setNonBlocking(m_err);
    }
    return {};
}

bool Subprocess::writeAll(std::string_view data, int timeoutMs)
{
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs < 0 ? 1LL << 40 : timeoutMs);
    while (!data.empty()) {
        const long n = writeSome(data);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0)
            return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{m_in, POLLOUT, 0};
        ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    }
    return true;
}

long Subprocess::writeSome(std::string_view data)
{
    if (m_in < 0)
        return -1;
    SigPipeGuard guard;
    for (;;) {
        const ssize_t n = ::write(m_in, data.data(), data.size());
        if (n >= 0)
            return static_cast<long>(n);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno == EPIPE)
            guard.sawEpipe();
        return -1;
    }
}

void Subprocess::closeStdin()
{
    closeFd(m_in);
}

bool Subprocess::streamOpen(Stream s) const
{
    return fd(s) >= 0;
}

long Subprocess::readSome(Stream s, std::string& out, std::size_t max)
{
    int& f = s == Stream::Stdout ? m_out : m_err;
    if (f < 0)
        return -1;
    char buf[65536];
    const std::size_t want = std::min(max, sizeof buf);
    for (;;) {
        const ssize_t n = ::read(f, buf, want);
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
            return static_cast<long>(n);
        }
        if (n == 0) {
            closeFd(f);
            return 0;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -1;
        closeFd(f);
        return 0;
    }
}

bool Subprocess::waitReadable(int timeoutMs)
{
    pollfd p[2];
    nfds_t n = 0;
    if (m_out >= 0)
        p[n++] = {m_out, POLLIN, 0};
    if (m_err >= 0)
        p[n++] = {m_err, POLLIN, 0};
    if (n == 0)
        return true;
    for (;;) {
        const int r = ::poll(p, n, timeoutMs);
        if (r < 0 && errno == EINTR)
            continue;
        return r != 0;
    }
}

bool Subprocess::signal(int sig)
{
    if (m_pid <= 0 || m_exit)
        return false;
    return ::kill(m_pid, sig) == 0;
}

bool Subprocess::signalGroup(int sig)
{
    if (m_pid <= 0)
        return false;
    if (m_group) {
        // The group may outlive the leader (grandchildren); a reaped leader's pid stays
        // reserved while its group has members, so this cannot hit an unrelated process.
        return ::killpg(m_pid, sig) == 0;
    }
    return signal(sig);
}

std::optional<ExitStatus> Subprocess::tryWait()
{
    if (m_exit)
        return m_exit;
    if (m_pid <= 0)
        return std::nullopt;
    int st = 0;
    pid_t r;
    do {
        r = ::waitpid(m_pid, &st, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == m_pid) {
        m_exit = fromWaitStatus(st);
    } else if (r < 0 && errno == ECHILD) {
        m_exit = ExitStatus{std::nullopt, std::nullopt};
        m_exit->exitCode = -1; // reaped elsewhere; unknown
    }
    return m_exit;
}

ExitStatus Subprocess::wait()
{
    if (m_exit)
        return *m_exit;
    if (m_pid <= 0)
        return ExitStatus{-1, std::nullopt};
    int st = 0;
    pid_t r;
    do {
        r = ::waitpid(m_pid, &st, 0);
    } while (r < 0 && errno == EINTR);
    m_exit = r == m_pid ? fromWaitStatus(st) : ExitStatus{-1, std::nullopt};
    return *m_exit;
}

std::optional<ExitStatus> Subprocess::waitFor(double timeoutS)
{
    const auto deadline = Clock::now() + std::chrono::duration<double>(timeoutS);
    auto nap = std::chrono::microseconds(500);
    for (;;) {
        if (auto s = tryWait())
            return s;
        if (Clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(nap);
        nap = std::min(nap * 2, std::chrono::microseconds(20000));
    }
}

ExitStatus Subprocess::kill()
{
    if (m_pid <= 0)
        return ExitStatus{-1, std::nullopt};
    signalGroup(SIGKILL);
    signal(SIGKILL);
    return wait();
}

ProgramOutput runProgram(const SpawnOptions& options, std::string_view input, double timeoutS,
                         std::size_t maxBytes, const std::atomic<bool>* stop)
{
    ProgramOutput r;
    Subprocess p;
    SpawnOptions o = options;
    o.pipeStdin = !input.empty();
    o.pipeStdout = o.pipeStderr = true;
    r.startError = p.start(o);
    if (!r.startError.empty())
        return r;

    const auto deadline = Clock::now() + std::chrono::duration<double>(timeoutS);
    auto keepTail = [maxBytes](std::string& s) {
        if (s.size() > 2 * maxBytes)
            s.erase(0, s.size() - maxBytes);
    };
    std::string_view toWrite = input;
    while (p.streamOpen(Subprocess::Stream::Stdout) || p.streamOpen(Subprocess::Stream::Stderr)) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            r.timedOut = true;
            break;
        }
        if (stop && stop->load()) {
            r.stopped = true;
            break;
        }
        // Feed stdin and drain both outputs together: a child that writes before it reads
        // must not deadlock against us.
        pollfd fds[3];
        nfds_t n = 0;
        if (!toWrite.empty() && p.stdinOpen())
            fds[n++] = {p.stdinFd(), POLLOUT, 0};
        for (auto s : {Subprocess::Stream::Stdout, Subprocess::Stream::Stderr})
            if (p.streamOpen(s))
                fds[n++] = {p.fd(s), POLLIN, 0};
        ::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), stop ? 100 : 1000)));
        if (!toWrite.empty()) {
            const long w = p.writeSome(toWrite);
            if (w > 0)
                toWrite.remove_prefix(static_cast<std::size_t>(w));
            if (w < 0)
                toWrite = {};
            if (toWrite.empty())
                p.closeStdin();
        }
        while (p.readSome(Subprocess::Stream::Stdout, r.out) > 0)
            keepTail(r.out);
        while (p.readSome(Subprocess::Stream::Stderr, r.err) > 0)
            keepTail(r.err);
    }
    p.closeStdin();
    if (!r.timedOut && !r.stopped) {
        const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
        if (auto s = p.waitFor(std::max(left, 0.0)))
            r.status = *s;
        else
            r.timedOut = true;
    }
    if (r.timedOut || r.stopped)
        r.status = p.kill();
    if (r.out.size() > maxBytes)
        r.out.erase(0, r.out.size() - maxBytes);
    if (r.err.size() > maxBytes)
        r.err.erase(0, r.err.size() - maxBytes);
    return r;
}

} // namespace kw
