#include "tree_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "printable_path.hpp"
#include "random_data.hpp"

namespace lading::test {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& p, int err) {
    throw std::system_error(err, std::generic_category(), what + " " + printable(p));
}

void make_dir(const fs::path& p) {
    if (::mkdir(p.c_str(), 0755) != 0) fail("mkdir", p, errno);
}

void write_file(const fs::path& p, std::string_view content) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail("create", p, errno);
    std::size_t off = 0;
    while (off < content.size()) {
        ssize_t n = ::write(fd, content.data() + off, content.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            fail("write", p, e);
        }
        off += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) fail("close", p, errno);
}

void make_symlink(const std::string& target, const fs::path& p) {
    if (::symlink(target.c_str(), p.c_str()) != 0) fail("symlink", p, errno);
}

void make_hardlink(const fs::path& existing, const fs::path& p) {
    if (::link(existing.c_str(), p.c_str()) != 0) fail("link", p, errno);
}

void set_mode(const fs::path& p, mode_t mode) {
    if (::chmod(p.c_str(), mode) != 0) fail("chmod", p, errno);
}

void set_owner(const fs::path& p, uid_t uid, gid_t gid) {
    // lchown: a symlink gets the owner itself. chown clears setuid/setgid, so modes are
    // applied after owners.
    if (::lchown(p.c_str(), uid, gid) != 0) fail("lchown", p, errno);
}

}  // namespace

tree_fixture create_tree_fixture(const fs::path& root, const tree_fixture_options& options) {
    namespace tp = tree_paths;
    tree_fixture t;
    t.root = root;
    auto at = [&root](const fs::path& rel) { return root / rel; };

    make_dir(root);

    // Directories (modes are set at the end).
    for (const char* d : {"dir", "dir/nested", "dir/nested/deep", tp::empty_dir,
                          tp::nested_empty_dir, "dev", tp::setgid_dir, tp::sticky_dir,
                          tp::owned_dir, "long"})
        make_dir(at(d));

    // Regular files.
    write_file(at(tp::small_file), "hello, lading\n");
    write_file(at(tp::empty_file), "");
    write_random_file(at(tp::large_file), options.large_file_size, options.seed);
    write_file(at(tp::nested_file), "a leaf three directories down\n");
    write_file(at(tp::setuid_file), "#!/bin/sh\necho setuid\n");
    write_file(at(tp::setgid_file), "#!/bin/sh\necho setgid\n");
    write_file(at(tp::mode_0600), "private\n");
    write_file(at(tp::mode_0711), "#!/bin/sh\necho odd\n");
    write_file(at(tp::owned_file), "owned by 1234:5678\n");
    write_file(at(fs::path(tp::sticky_dir) / "inside"), "in a sticky directory\n");
    write_file(at(fs::path(tp::setgid_dir) / "inside"), "in a setgid directory\n");
    write_file(at(fs::path(tp::owned_dir) / "inside"), "in a directory owned by 1234\n");

    // Symlinks: relative, relative going up, absolute, dangling, and a foreign-owned one.
    make_symlink("file.txt", at(tp::symlink_relative));
    make_symlink("../../file.txt", at(tp::symlink_up));
    make_symlink("/etc/os-release", at(tp::symlink_absolute));
    make_symlink("no/such/target", at(tp::symlink_dangling));
    make_symlink("owned", at(tp::owned_symlink));

    // Two names, one inode, in different directories.
    write_file(at(tp::hardlink_a), "two names, one inode\n");
    make_hardlink(at(tp::hardlink_a), at(tp::hardlink_b));

    // Fifo.
    if (::mkfifo(at(tp::fifo).c_str(), 0644) != 0) fail("mkfifo", at(tp::fifo), errno);

    // Character device (1,3 = /dev/null): root in most containers may still be refused.
    if (options.with_device) {
        if (::mknod(at(tp::char_device).c_str(), S_IFCHR | 0644, makedev(1, 3)) == 0) {
            t.has_device = true;
        } else {
            std::string why = std::string("mknod ") + tp::char_device + ": " + std::strerror(errno);
            t.skipped.push_back(why);
            WARN("tree fixture: skipping the character device (" << why << ")");
        }
    }

    // Long names: one 150-byte component; a path of four components, > 255 bytes in total;
    // a symlink whose target is > 100 bytes; a hardlink with a > 100-byte name.
    t.long_name_file = fs::path("long") / (std::string(146, 'n') + ".txt");
    write_file(at(t.long_name_file), "a 150-byte file name\n");
    fs::path deep = fs::path("long") / std::string(100, 'a') / std::string(100, 'b') / std::string(100, 'c');
    make_dir(at(fs::path("long") / std::string(100, 'a')));
    make_dir(at(fs::path("long") / std::string(100, 'a') / std::string(100, 'b')));
    make_dir(at(deep));
    t.long_path_file = deep / (std::string(60, 'd') + ".txt");
    write_file(at(t.long_path_file), "a path longer than 255 bytes\n");
    t.long_symlink = fs::path("long") / "link-to-long-path";
    make_symlink(t.long_path_file.lexically_relative("long").string(), at(t.long_symlink));
    t.long_hardlink = fs::path("long") / (std::string(120, 'h') + ".txt");
    make_hardlink(at(t.long_path_file), at(t.long_hardlink));

    // Not UTF-8: bytes 0xff 0xfe in the name.
    t.non_utf8_file = fs::path(std::string("non-utf8-\xff\xfe.bin"));
    write_file(at(t.non_utf8_file), "a name that is not UTF-8\n");

    // A user xattr.
    write_file(at(tp::xattr_file), "has user.demo=hello\n");
    if (options.with_xattr) {
        if (::lsetxattr(at(tp::xattr_file).c_str(), "user.demo", "hello", 5, 0) == 0) {
            t.has_xattr = true;
        } else {
            std::string why = std::string("setxattr user.demo on ") + tp::xattr_file + ": " +
                              std::strerror(errno);
            t.skipped.push_back(why);
            WARN("tree fixture: skipping the xattr (" << why << ")");
        }
    }

    // Compressible bulk data, for tests that need many compressor blocks.
    if (options.bulk_text_size > 0) {
        make_dir(at(tp::bulk_dir));
        std::uint64_t left = options.bulk_text_size;
        for (int i = 0; left > 0; ++i) {
            std::uint64_t n = std::min(left, options.bulk_file_size);
            write_text_file(at(fs::path(tp::bulk_dir) / ("text-" + std::to_string(i) + ".txt")), n,
                            options.seed * 1000 + static_cast<std::uint64_t>(i));
            left -= n;
        }
    }

    // Owners, then modes (chown clears setuid/setgid).
    set_owner(at(tp::owned_file), foreign_uid, foreign_gid);
    set_owner(at(tp::owned_dir), foreign_uid, foreign_gid);
    set_owner(at(fs::path(tp::owned_dir) / "inside"), foreign_uid, foreign_gid);
    set_owner(at(tp::owned_symlink), foreign_uid, foreign_gid);
    set_owner(at(tp::setuid_file), foreign_uid, foreign_gid);

    set_mode(at(tp::setuid_file), 04755);
    set_mode(at(tp::setgid_file), 02755);
    set_mode(at(tp::mode_0600), 0600);
    set_mode(at(tp::mode_0711), 0711);
    set_mode(at(tp::owned_file), 0640);
    set_mode(at(tp::setgid_dir), 02775);
    set_mode(at(tp::sticky_dir), 01777);
    set_mode(at(tp::nested_empty_dir), 0700);
    set_mode(at(tp::owned_dir), 0750);
    set_mode(root, 0755);
    return t;
}

}  // namespace lading::test
