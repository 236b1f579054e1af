#include "core/base/FileTailer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kw {

namespace {
constexpr std::size_t kFingerprintBytes = 64;
constexpr std::uint64_t kReadAheadWindow = 64u << 20;

std::int64_t mtimeNs(const struct stat& st)
{
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}
} // namespace

std::string_view tailResetName(TailReset r)
{
    switch (r) {
    case TailReset::Truncated:
        return "truncated";
    case TailReset::Replaced:
        return "replaced";
    case TailReset::Removed:
        return "removed";
    }
    return "reset";
}

FileTailer::FileTailer(std::string path, Options options) : m_path(std::move(path)), m_opts(options)
{
    m_opts.readChunk = std::max<std::size_t>(m_opts.readChunk, 4096);
    m_opts.maxLineBytes = std::max<std::size_t>(m_opts.maxLineBytes, 1);
}

FileTailer::~FileTailer()
{
    close();
}

void FileTailer::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

char* FileTailer::reserveTail(std::size_t extra)
{
    if (m_len + extra > m_cap) {
        const std::size_t cap = std::max(m_len + extra, m_cap * 2);
        auto bigger = std::make_unique_for_overwrite<char[]>(cap);
        if (m_len)
            std::memcpy(bigger.get(), m_buf.get(), m_len);
        m_buf = std::move(bigger);
        m_cap = cap;
    }
    return m_buf.get() + m_len;
}

void FileTailer::dropFront(std::size_t n)
{
    if (n >= m_len) {
        m_len = 0;
        return;
    }
    std::memmove(m_buf.get(), m_buf.get() + n, m_len - n);
    m_len -= n;
}

void FileTailer::releaseBuffer()
{
    m_buf.reset();
    m_len = m_cap = 0;
}

void FileTailer::restart()
{
    m_readPos = m_bufOffset = m_readAheadTo = 0;
    releaseBuffer();
    m_scanned = 0;
    m_discarding = false;
    m_overlongStart = 0;
    m_lineNo = 0;
    m_firstBytes.clear();
    m_size = 0;
}

bool FileTailer::firstBytesChanged()
{
    if (m_firstBytes.empty())
        return false;
    char buf[kFingerprintBytes];
    const ssize_t n = ::pread(m_fd, buf, m_firstBytes.size(), 0);
    return n != static_cast<ssize_t>(m_firstBytes.size()) ||
           std::memcmp(buf, m_firstBytes.data(), m_firstBytes.size()) != 0;
}

void FileTailer::rememberFirstBytes()
{
    if (m_firstBytes.size() >= kFingerprintBytes || m_readPos <= m_firstBytes.size())
        return;
    char buf[kFingerprintBytes];
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kFingerprintBytes, m_readPos));
    const ssize_t n = ::pread(m_fd, buf, want, 0);
    if (n > 0)
        m_firstBytes.assign(buf, static_cast<std::size_t>(n));
}

FileTailer::PollResult FileTailer::poll(Sink& sink, std::size_t byteBudget)
{
    PollResult r;
    struct stat st
    {
    };
    if (::stat(m_path.c_str(), &st) != 0) {
        if (m_fd >= 0) {
            close();
            restart();
            sink.onReset(TailReset::Removed);
        }
        if (errno != ENOENT && errno != ENOTDIR)
            r.error = m_path + ": " + std::strerror(errno);
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        r.error = m_path + ": not a regular file";
        return r;
    }
    if (m_fd >= 0 && (st.st_ino != m_ino || st.st_dev != m_dev)) {
        close();
        restart();
        sink.onReset(TailReset::Replaced);
    }
    if (m_fd < 0) {
        m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) {
            r.error = m_path + ": " + std::strerror(errno);
            return r;
        }
        struct stat fst
        {
        };
        if (::fstat(m_fd, &fst) != 0) {
            r.error = m_path + ": " + std::strerror(errno);
            close();
            return r;
        }
        st = fst;
        m_dev = st.st_dev;
        m_ino = st.st_ino;
        ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL); // larger read-ahead for the first pass
        restart();
    }
    r.exists = true;

    const auto size = static_cast<std::uint64_t>(st.st_size);
    const bool changed = size != m_size || mtimeNs(st) != m_mtimeNs;
    if (size < m_readPos || (changed && firstBytesChanged())) {
        restart();
        sink.onReset(TailReset::Truncated);
    }
    m_size = size;
    m_mtimeNs = mtimeNs(st);

    std::size_t budget = std::max<std::size_t>(byteBudget, 1);
    // Far from the end (a first pass over a big file): ask the kernel to read ahead a window in
    // the background, so the disk works while this thread parses.
    if (size - std::min(size, m_readPos) > kReadAheadWindow &&
        m_readPos + kReadAheadWindow / 2 >= m_readAheadTo) {
        ::posix_fadvise(m_fd, static_cast<off_t>(m_readPos), static_cast<off_t>(kReadAheadWindow),
                        POSIX_FADV_WILLNEED);
        m_readAheadTo = m_readPos + kReadAheadWindow;
    }
    while (budget > 0 && m_readPos < size) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>({m_opts.readChunk, budget, size - m_readPos}));
        char* dst = reserveTail(want);
        ssize_t n;
        do {
            n = ::pread(m_fd, dst, want, static_cast<off_t>(m_readPos));
        } while (n < 0 && errno == EINTR);
        if (n <= 0) { // shrank under us (seen next poll) or an I/O error
            if (n < 0)
                r.error = m_path + ": " + std::strerror(errno);
            break;
        }
        m_len += static_cast<std::size_t>(n);
        m_readPos += static_cast<std::uint64_t>(n);
        r.bytesRead += static_cast<std::size_t>(n);
        budget -= std::min<std::size_t>(budget, static_cast<std::size_t>(n));
        processBuffer(sink);
    }
    rememberFirstBytes();
    if (m_cap > 4 * m_opts.readChunk && m_len < m_opts.readChunk) { // after a long line: give it back
        auto smaller = std::make_unique_for_overwrite<char[]>(m_opts.readChunk);
        if (m_len)
            std::memcpy(smaller.get(), m_buf.get(), m_len);
        m_buf = std::move(smaller);
        m_cap = m_opts.readChunk;
    }
    r.more = m_readPos < size;
    return r;
}

void FileTailer::processBuffer(Sink& sink)
{
    const char* data = m_buf.get();
    if (m_discarding) {
        const void* nl = std::memchr(data, '\n', m_len);
        if (!nl) {
            m_bufOffset += m_len;
            m_len = 0;
            m_scanned = 0;
            return;
        }
        const auto at = static_cast<std::size_t>(static_cast<const char*>(nl) - data);
        sink.onOverlongLine(m_overlongStart, m_lineNo++, m_bufOffset + at - m_overlongStart);
        dropFront(at + 1);
        m_bufOffset += at + 1;
        m_scanned = 0;
        m_discarding = false;
    }

    std::size_t lineBegin = 0;
    std::size_t scan = m_scanned;
    for (;;) {
        const void* nl = std::memchr(data + scan, '\n', m_len - scan);
        if (!nl)
            break;
        const auto at = static_cast<std::size_t>(static_cast<const char*>(nl) - data);
        const std::uint64_t offset = m_bufOffset + lineBegin;
        const std::size_t len = at - lineBegin;
        if (len > m_opts.maxLineBytes) {
            sink.onOverlongLine(offset, m_lineNo++, len);
        } else {
            std::size_t end = at;
            if (end > lineBegin && data[end - 1] == '\r')
                --end;
            sink.onLine(offset, m_lineNo++, std::string_view(data + lineBegin, end - lineBegin));
        }
        lineBegin = scan = at + 1;
    }
    if (lineBegin > 0) {
        dropFront(lineBegin);
        m_bufOffset += lineBegin;
    }
    m_scanned = m_len;
    if (m_len > m_opts.maxLineBytes) {
        m_discarding = true;
        m_overlongStart = m_bufOffset;
        m_bufOffset += m_len;
        m_len = 0;
        m_scanned = 0;
    }
}

} // namespace kw
