#include "core/base/AtomicFile.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kw {

namespace {

std::string errnoText(const std::string& what, const std::string& path)
{
    return what + " " + path + ": " + std::strerror(errno);
}

std::string dirOf(const std::string& path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string replaceWith(const std::string& path, std::string_view content, mode_t mode)
{
    std::string tmpl = path + ".kwtmp.XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        return errnoText("cannot create a temporary file beside", path);
    auto fail = [&](const std::string& what) {
        const std::string msg = errnoText(what, tmpl);
        ::close(fd);
        ::unlink(tmpl.c_str());
        return msg;
    };
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return fail("cannot write");
        }
        done += static_cast<std::size_t>(w);
    }
    if (::fchmod(fd, mode) != 0)
        return fail("cannot set permissions of");
    if (::fsync(fd) != 0)
        return fail("cannot flush");
    if (::close(fd) != 0) {
        ::unlink(tmpl.c_str());
        return errnoText("cannot close", tmpl);
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        const std::string msg = errnoText("cannot replace", path);
        ::unlink(tmpl.c_str());
        return msg;
    }
    const int dfd = ::open(dirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

} // namespace

std::string readWholeFile(const std::string& path, std::string& content)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errnoText("cannot open", path);
    content.clear();
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string msg = errnoText("cannot read", path);
            ::close(fd);
            return msg;
        }
        if (n == 0)
            break;
        content.append(buf, static_cast<std::size_t>(n));
        if (content.size() > (64u << 20)) {
            ::close(fd);
            return path + " is larger than 64 MiB";
        }
    }
    ::close(fd);
    return {};
}

std::string writeFileAtomically(const std::string& pathIn, std::string_view content,
                                const std::string& backupSuffix)
{
    std::string path = pathIn;
    char resolved[PATH_MAX];
    if (::realpath(pathIn.c_str(), resolved))
        path = resolved; // follow a symlink to the real file
    mode_t mode = 0644;
    struct stat st
    {
    };
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists)
        mode = st.st_mode & 07777;
    if (exists && !backupSuffix.empty()) {
        std::string old;
        if (auto err = readWholeFile(path, old); !err.empty())
            return err;
        if (auto err = replaceWith(path + backupSuffix, old, mode); !err.empty())
            return "cannot write the backup: " + err;
    }
    return replaceWith(path, content, mode);
}

} // namespace kw
