// FileTailer: following a file that grows, is cut, rewritten, replaced and removed while it is
// being read; partial lines; lines far over the limit.
#include "core/base/FileTailer.h"

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cstdio>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace kw;

namespace {

struct Collector : FileTailer::Sink
{
    struct Line
    {
        std::uint64_t offset;
        std::uint32_t lineNo;
        std::string text;
    };
    std::vector<Line> lines;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> overlong;
    std::vector<TailReset> resets;

    void onLine(std::uint64_t offset, std::uint32_t lineNo, std::string_view line) override
    {
        lines.push_back({offset, lineNo, std::string(line)});
    }
    void onOverlongLine(std::uint64_t offset, std::uint32_t, std::uint64_t length) override
    {
        overlong.emplace_back(offset, length);
    }
    void onReset(TailReset why) override { resets.push_back(why); }
    void clear()
    {
        lines.clear();
        overlong.clear();
        resets.clear();
    }
};

void append(const std::string& path, const std::string& data)
{
    FILE* f = std::fopen(path.c_str(), "ab");
    QVERIFY(f);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

void writeFile(const std::string& path, const std::string& data)
{
    FILE* f = std::fopen(path.c_str(), "wb"); // truncates in place (same inode)
    QVERIFY(f);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

long residentKb()
{
    long pages = 0, resident = 0;
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (f) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

} // namespace

class TestTail : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string path(const char* name) { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

private Q_SLOTS:
    void missingThenCreated()
    {
        const std::string p = path("missing.jsonl");
        FileTailer t(p);
        Collector c;
        auto r = t.poll(c, 1 << 20);
        QVERIFY(!r.exists);
        QVERIFY(r.error.empty());
        append(p, "one\n");
        r = t.poll(c, 1 << 20);
        QVERIFY(r.exists);
        QCOMPARE(c.lines.size(), std::size_t(1));
        QCOMPARE(c.lines[0].text, std::string("one"));
        QVERIFY(c.resets.empty());
    }

    void partialLineHeldUntilNewline()
    {
        const std::string p = path("partial.jsonl");
        FileTailer t(p);
        Collector c;
        append(p, "abc");
        t.poll(c, 1 << 20);
        QVERIFY(c.lines.empty());
        QCOMPARE(t.pendingBytes(), std::uint64_t(3));
        append(p, "def\nxy");
        t.poll(c, 1 << 20);
        QCOMPARE(c.lines.size(), std::size_t(1));
        QCOMPARE(c.lines[0].text, std::string("abcdef"));
        QCOMPARE(c.lines[0].offset, std::uint64_t(0));
        QCOMPARE(t.pendingBytes(), std::uint64_t(2));
        append(p, "\r\n\nz\n");
        t.poll(c, 1 << 20);
        QCOMPARE(c.lines.size(), std::size_t(4));
        QCOMPARE(c.lines[1].text, std::string("xy")); // CRLF stripped
        QCOMPARE(c.lines[1].offset, std::uint64_t(7));
        QCOMPARE(c.lines[1].lineNo, std::uint32_t(1));
        QCOMPARE(c.lines[2].text, std::string()); // blank lines are delivered (callers skip them)
        QCOMPARE(c.lines[3].text, std::string("z"));
        QCOMPARE(c.lines[3].offset, std::uint64_t(12));
        QCOMPARE(t.pendingBytes(), std::uint64_t(0));
        QCOMPARE(t.lineCount(), std::uint32_t(4));
    }

    void budgetBoundsEachPoll()
    {
        const std::string p = path("budget.jsonl");
        std::string data;
        for (int i = 0; i < 100; ++i)
            data += std::string(99, char('a' + i % 26)) + "\n";
        writeFile(p, data);
        FileTailer::Options o;
        o.readChunk = 4096;
        FileTailer t(p, o);
        Collector c;
        int polls = 0;
        FileTailer::PollResult r;
        do {
            r = t.poll(c, 250);
            QVERIFY(r.bytesRead <= 4096);
            ++polls;
        } while (r.more && polls < 1000);
        QCOMPARE(c.lines.size(), std::size_t(100));
        QVERIFY(polls >= 3);
        for (std::size_t i = 0; i < c.lines.size(); ++i) {
            QCOMPARE(c.lines[i].offset, std::uint64_t(i * 100));
            QCOMPARE(c.lines[i].text.size(), std::size_t(99));
        }
    }

    void truncatedThenRewritten()
    {
        const std::string p = path("trunc.jsonl");
        writeFile(p, "line one\nline two\n");
        FileTailer t(p);
        Collector c;
        t.poll(c, 1 << 20);
        QCOMPARE(c.lines.size(), std::size_t(2));
        c.clear();
        writeFile(p, "new\n"); // shorter
        t.poll(c, 1 << 20);
        QCOMPARE(c.resets.size(), std::size_t(1));
        QCOMPARE(c.resets[0], TailReset::Truncated);
        QCOMPARE(c.lines.size(), std::size_t(1));
        QCOMPARE(c.lines[0].text, std::string("new"));
        QCOMPARE(c.lines[0].offset, std::uint64_t(0));
        QCOMPARE(c.lines[0].lineNo, std::uint32_t(0));
        c.clear();
        // Rewritten in place with different, longer content: the first bytes changed.
        writeFile(p, "other content that is longer than before\nsecond\n");
        t.poll(c, 1 << 20);
        QCOMPARE(c.resets.size(), std::size_t(1));
        QCOMPARE(c.resets[0], TailReset::Truncated);
        QCOMPARE(c.lines.size(), std::size_t(2));
        QCOMPARE(c.lines[0].text, std::string("other content that is longer than before"));
    }

    void replacedAndRemoved()
    {
        const std::string p = path("repl.jsonl");
        writeFile(p, "a\nb\n");
        FileTailer t(p);
        Collector c;
        t.poll(c, 1 << 20);
        QCOMPARE(c.lines.size(), std::size_t(2));
        c.clear();
        const std::string tmp = path("repl.tmp");
        writeFile(tmp, "a\nb\nc\n"); // same prefix, new inode: still a new file
        QCOMPARE(std::rename(tmp.c_str(), p.c_str()), 0);
        t.poll(c, 1 << 20);
        QCOMPARE(c.resets.size(), std::size_t(1));
        QCOMPARE(c.resets[0], TailReset::Replaced);
        QCOMPARE(c.lines.size(), std::size_t(3));
        c.clear();
        QCOMPARE(::unlink(p.c_str()), 0);
        auto r = t.poll(c, 1 << 20);
        QVERIFY(!r.exists);
        QCOMPARE(c.resets.size(), std::size_t(1));
        QCOMPARE(c.resets[0], TailReset::Removed);
        c.clear();
        writeFile(p, "back\n");
        t.poll(c, 1 << 20);
        QVERIFY(c.resets.empty());
        QCOMPARE(c.lines.size(), std::size_t(1));
        QCOMPARE(c.lines[0].text, std::string("back"));
    }

    void overlongLineSkipped()
    {
        const std::string p = path("long.jsonl");
        FileTailer::Options o;
        o.maxLineBytes = 1000;
        o.readChunk = 4096;
        FileTailer t(p, o);
        Collector c;
        append(p, "ok\n" + std::string(3000, 'x'));
        t.poll(c, 1 << 20);
        QCOMPARE(c.lines.size(), std::size_t(1));
        QVERIFY(c.overlong.empty());
        QCOMPARE(t.pendingBytes(), std::uint64_t(3000)); // counted, not buffered
        append(p, std::string(3000, 'y'));
        t.poll(c, 1 << 20);
        append(p, "\nafter\n" + std::string(1001, 'z') + "\nend\n");
        t.poll(c, 1 << 20);
        QCOMPARE(c.overlong.size(), std::size_t(2));
        QCOMPARE(c.overlong[0].first, std::uint64_t(3));
        QCOMPARE(c.overlong[0].second, std::uint64_t(6000));
        QCOMPARE(c.overlong[1].second, std::uint64_t(1001)); // a long line inside one read
        QCOMPARE(c.lines.size(), std::size_t(3));
        QCOMPARE(c.lines[1].text, std::string("after"));
        QCOMPARE(c.lines[1].offset, std::uint64_t(6004));
        QCOMPARE(c.lines[2].text, std::string("end"));
        QCOMPARE(t.lineCount(), std::uint32_t(5));
    }

    void hundredMegabyteLine()
    {
        const std::string p = path("huge.jsonl");
        {
            std::string chunk(1 << 20, 'q');
            FILE* f = std::fopen(p.c_str(), "wb");
            for (int i = 0; i < 100; ++i)
                std::fwrite(chunk.data(), 1, chunk.size(), f);
            std::fputs("\n{\"after\": 1}\n", f);
            std::fclose(f);
        }
        const long before = residentKb();
        FileTailer t(p); // default limit 16 MiB
        Collector c;
        QElapsedTimer total, step;
        total.start();
        qint64 slowest = 0;
        int polls = 0;
        FileTailer::PollResult r;
        do {
            step.start();
            r = t.poll(c, 8u << 20);
            slowest = std::max(slowest, step.elapsed());
            ++polls;
        } while (r.more);
        const long grew = residentKb() - before;
        QCOMPARE(c.overlong.size(), std::size_t(1));
        QCOMPARE(c.overlong[0].second, std::uint64_t(100u << 20));
        QCOMPARE(c.lines.size(), std::size_t(1));
        QCOMPARE(c.lines[0].text, std::string("{\"after\": 1}"));
        QVERIFY(polls >= 12);
        qInfo("100 MB line: %d polls, %lld ms total, slowest poll %lld ms, RSS grew %ld KB", polls,
              static_cast<long long>(total.elapsed()), static_cast<long long>(slowest), grew);
#if defined(__SANITIZE_ADDRESS__)
        // AddressSanitizer's quarantine keeps freed blocks resident: the bound holds in other builds.
        Q_UNUSED(grew);
#else
        QVERIFY2(grew < 40 * 1024, "the tailer must not buffer an overlong line");
#endif
        QVERIFY2(slowest < 1000, "each poll is bounded by its budget");
    }

    void followsConcurrentWriter()
    {
        // A writer appends 2,000 lines in random pieces (splitting lines across writes) while the
        // tailer polls; every line must arrive once, whole, in order, at the right offset.
        const std::string p = path("live.jsonl");
        writeFile(p, "");
        std::vector<std::string> expected;
        std::string all;
        std::mt19937 rng(7);
        for (int i = 0; i < 2000; ++i) {
            std::string l = "{\"i\": " + std::to_string(i) + ", \"pad\": \"" +
                            std::string(rng() % 3000, char('a' + i % 26)) + "\"}";
            expected.push_back(l);
            all += l + "\n";
        }
        std::atomic<bool> done{false};
        std::thread writer([&] {
            std::mt19937 r2(11);
            const int fd = ::open(p.c_str(), O_WRONLY | O_APPEND);
            std::size_t pos = 0;
            while (pos < all.size()) {
                std::size_t n = std::min<std::size_t>(all.size() - pos, 1 + r2() % 20000);
                [[maybe_unused]] auto w = ::write(fd, all.data() + pos, n);
                pos += n;
                if (r2() % 4 == 0)
                    std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            ::close(fd);
            done = true;
        });
        FileTailer t(p);
        Collector c;
        QElapsedTimer timer;
        timer.start();
        while ((!done || c.lines.size() < expected.size()) && timer.elapsed() < 30000) {
            t.poll(c, 64 * 1024);
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        writer.join();
        QCOMPARE(c.lines.size(), expected.size());
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(c.lines[i].text, expected[i]);
            QCOMPARE(c.lines[i].offset, offset);
            offset += expected[i].size() + 1;
        }
        QVERIFY(c.resets.empty());
    }
};

QTEST_GUILESS_MAIN(TestTail)
#include "tst_tail.moc"
