// Preloaded into lading-mirror: a filesystem without O_TMPFILE ($LADING_PLAIN_FS_NO_TMPFILE=1)
// or one that refuses to link an open file into place ($LADING_PLAIN_FS_NO_FD_LINK=1), as some
// network and FUSE filesystems do. Each refusal appends a line to $LADING_PLAIN_FS_LOG, so a
// test can tell that the mirror met the refusal and took its other way.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>

namespace {
bool enabled(const char* name)
{
    const char* v = std::getenv(name);
    return v && std::strcmp(v, "1") == 0;
}

void note(const char* what)
{
    const char* log = std::getenv("LADING_PLAIN_FS_LOG");
    if (!log) return;
    int fd = ::openat(AT_FDCWD, log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    [[maybe_unused]] auto n = ::write(fd, what, std::strlen(what));
    ::close(fd);
}

template <typename Fn>
int open_unless_tmpfile(const char* symbol, const char* path, int flags, va_list args)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) mode = static_cast<mode_t>(va_arg(args, int));
    if ((flags & O_TMPFILE) == O_TMPFILE && enabled("LADING_PLAIN_FS_NO_TMPFILE")) {
        note("refused O_TMPFILE\n");
        errno = EOPNOTSUPP;
        return -1;
    }
    static auto real = reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, symbol));
    return real(path, flags, mode);
}
}  // namespace

extern "C" int open(const char* path, int flags, ...)
{
    va_list args;
    va_start(args, flags);
    int fd = open_unless_tmpfile<int (*)(const char*, int, ...)>("open", path, flags, args);
    va_end(args);
    return fd;
}

extern "C" int open64(const char* path, int flags, ...)
{
    va_list args;
    va_start(args, flags);
    int fd = open_unless_tmpfile<int (*)(const char*, int, ...)>("open64", path, flags, args);
    va_end(args);
    return fd;
}

extern "C" int linkat(int olddirfd, const char* oldpath, int newdirfd, const char* newpath, int flags)
{
    if (enabled("LADING_PLAIN_FS_NO_FD_LINK") && std::strncmp(oldpath, "/proc/self/fd/", 14) == 0) {
        note("refused a link of an open file\n");
        errno = EPERM;
        return -1;
    }
    using linkat_fn = int (*)(int, const char*, int, const char*, int);
    static auto real = reinterpret_cast<linkat_fn>(::dlsym(RTLD_NEXT, "linkat"));
    return real(olddirfd, oldpath, newdirfd, newpath, flags);
}
