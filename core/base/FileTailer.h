#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace kw {

// Why a followed file's content started over.
enum class TailReset
{
    Truncated, // shorter than what was read, or its first bytes changed (rewritten in place)
    Replaced,  // another file now has the path (new inode: rename over, delete and recreate)
    Removed,   // the path is gone
};

std::string_view tailResetName(TailReset r);

// Follows one growing line-oriented file by polling (stat + pread), so it works on every
// filesystem, NFS and FUSE included. Each poll reads at most a byte budget, so a multi-GB file is
// consumed in bounded steps and never held in memory: only a partial last line is kept, and it is
// delivered once its newline arrives. Lines longer than maxLineBytes are reported by offset and
// length and skipped without being buffered. Truncation, in-place rewrites (the first bytes
// change) and replacement (inode change) restart from offset 0 after a reset notice.
// Not thread-safe: one thread polls.
class FileTailer
{
public:
    struct Options
    {
        std::size_t maxLineBytes = 16u << 20;
        std::size_t readChunk = 1u << 20;
    };

    // Receives what a poll found, in file order. Views are valid only during the call.
    class Sink
    {
    public:
        virtual ~Sink() = default;
        // A complete line without its "\n" (or "\r\n"). Blank lines are delivered too.
        virtual void onLine(std::uint64_t offset, std::uint32_t lineNo, std::string_view line) = 0;
        virtual void onOverlongLine(std::uint64_t offset, std::uint32_t lineNo, std::uint64_t length) = 0;
        // Called before any line of the new content; everything delivered before is void.
        virtual void onReset(TailReset why) = 0;
    };

    struct PollResult
    {
        std::size_t bytesRead = 0;
        bool more = false;   // the budget ran out before the end of the file
        bool exists = false; // the path names a readable regular file
        std::string error;   // why it could not be read (permissions, not a regular file)
    };

    FileTailer(std::string path, Options options);
    explicit FileTailer(std::string path) : FileTailer(std::move(path), Options{}) {}
    ~FileTailer();
    FileTailer(const FileTailer&) = delete;
    FileTailer& operator=(const FileTailer&) = delete;

    PollResult poll(Sink& sink, std::size_t byteBudget);

    const std::string& path() const { return m_path; }
    std::uint64_t readOffset() const { return m_readPos; } // bytes read so far
    // Bytes of a partial last line held back (or being skipped, when overlong).
    std::uint64_t pendingBytes() const { return m_readPos - (m_discarding ? m_overlongStart : m_bufOffset); }
    std::uint64_t fileSize() const { return m_size; }
    std::uint32_t lineCount() const { return m_lineNo; } // complete lines delivered
    void close();

private:
    void restart();
    void processBuffer(Sink& sink);
    char* reserveTail(std::size_t extra); // room for `extra` more bytes after m_len (not zeroed)
    void dropFront(std::size_t n);
    void releaseBuffer();
    bool firstBytesChanged();
    void rememberFirstBytes();

    std::string m_path;
    Options m_opts;
    int m_fd = -1;
    dev_t m_dev = 0;
    ino_t m_ino = 0;
    std::uint64_t m_size = 0;
    std::int64_t m_mtimeNs = 0;
    std::uint64_t m_readPos = 0;     // next byte to read
    std::uint64_t m_bufOffset = 0;   // file offset of m_buf[0]
    std::uint64_t m_readAheadTo = 0; // end of the window last asked for (posix_fadvise WILLNEED)
    // The partial line (and, during a poll, the bytes just read). A raw buffer: std::string's
    // resize would zero every byte before pread overwrites it.
    std::unique_ptr<char[]> m_buf;
    std::size_t m_len = 0, m_cap = 0;
    std::size_t m_scanned = 0; // bytes of m_buf known to hold no newline
    bool m_discarding = false; // inside an overlong line
    std::uint64_t m_overlongStart = 0;
    std::uint32_t m_lineNo = 0;
    std::string m_firstBytes; // up to 64 bytes from offset 0, to notice in-place rewrites
};

} // namespace kw
