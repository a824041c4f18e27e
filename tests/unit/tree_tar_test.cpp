#include <lading/error.hpp>
#include "tar/checked_tar_source.hpp"
#include "tar/tree_tar_source.hpp"

#include <catch2/catch.hpp>

#include "common/temp_dir.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace lading;

namespace {

struct temp_tree {
    lading::test::temp_dir dir;
    fs::path root = dir.path();
    void file(const std::string& rel, const std::string& content, std::int64_t mtime = 1000)
    {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel, std::ios::binary) << content;
        touch(rel, mtime);
    }
    void touch(const std::string& rel, std::int64_t mtime)
    {
        timespec t[2] = {{mtime, 0}, {mtime, 0}};
        ::utimensat(AT_FDCWD, (root / rel).c_str(), t, AT_SYMLINK_NOFOLLOW);
    }
};

std::string read_all(byte_source& s, std::size_t chunk = 777)
{
    std::string out;
    std::vector<std::uint8_t> buf(chunk);
    while (auto n = s.read(buf)) out.append(reinterpret_cast<char*>(buf.data()), n);
    return out;
}

struct listed {
    std::string name;
    char type;
    std::uint64_t mtime;
    std::string content;
};

std::uint64_t octal(const std::string& b, std::size_t o, std::size_t l)
{
    std::uint64_t v = 0;
    for (std::size_t i = o; i < o + l && b[i] >= '0' && b[i] <= '7'; ++i) v = v * 8 + (b[i] - '0');
    return v;
}

// A minimal reader for what lading writes (ustar + prefix, no PAX needed in these trees).
std::vector<listed> list_tar(const std::string& tar)
{
    std::vector<listed> out;
    for (std::size_t pos = 0; pos + 512 <= tar.size();) {
        auto h = tar.substr(pos, 512);
        if (h == std::string(512, '\0')) break;
        std::string name = h.substr(0, 100).c_str();
        std::string prefix = h.substr(345, 155).c_str();
        if (!prefix.empty()) name = prefix + "/" + name;
        auto size = octal(h, 124, 12);
        out.push_back({name, h[156], octal(h, 136, 12), tar.substr(pos + 512, size)});
        pos += 512 + (size + 511) / 512 * 512;
    }
    return out;
}

}  // namespace

TEST_CASE("a tree streams sorted, parents first, with exact content", "[tar]")
{
    temp_tree t;
    t.file("b.txt", "bee");
    t.file("a/z", std::string(70000, 'z'));
    t.file("a.c", "");
    fs::create_directories(t.root / "empty");
    fs::create_symlink("b.txt", t.root / "link");
    fs::create_hard_link(t.root / "b.txt", t.root / "hard");

    tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
    auto bytes = read_all(src);
    CHECK(bytes.size() % 512 == 0);
    CHECK(bytes.substr(bytes.size() - 1024) == std::string(1024, '\0'));
    auto entries = list_tar(bytes);
    std::vector<std::string> names;
    for (auto& e : entries) names.push_back(e.name);
    CHECK(names == std::vector<std::string>{"a/", "a/z", "a.c", "b.txt", "empty/", "hard", "link"});
    CHECK(entries[1].content == std::string(70000, 'z'));
    CHECK(entries[3].content == "bee");
    CHECK(entries[5].type == '1');  // "hard" links to the first name of the inode, "b.txt"
    CHECK(entries[6].type == '2');
}

TEST_CASE("a clamp rewrites every later time and keeps earlier ones", "[tar]")
{
    temp_tree t;
    t.file("old", "o", 100);
    t.file("new", "n", 5000);
    tar::tree_tar_source src(tar::walk_tree(t.root, 1000));
    auto entries = list_tar(read_all(src));
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "new");
    CHECK(entries[0].mtime == 1000);
    CHECK(entries[1].mtime == 100);
}

TEST_CASE("the byte stream does not depend on the read size", "[tar]")
{
    temp_tree t;
    t.file("x", std::string(123457, 'x'));
    t.file("y/z", "zz");
    tar::tree_tar_source a(tar::walk_tree(t.root, std::nullopt));
    tar::tree_tar_source b(tar::walk_tree(t.root, std::nullopt));
    CHECK(read_all(a, 1) == read_all(b, 1 << 20));
}

TEST_CASE("a missing context directory names the path", "[tar]")
{
    CHECK_THROWS_WITH(tar::walk_tree("/nonexistent/lading", std::nullopt), Catch::Contains("/nonexistent/lading"));
}

namespace {
class string_source : public byte_source {
public:
    explicit string_source(std::string s) : s_(std::move(s)) {}
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        auto n = std::min(buf.size(), s_.size() - pos_);
        std::memcpy(buf.data(), s_.data() + pos_, n);
        pos_ += n;
        return n;
    }

private:
    std::string s_;
    std::size_t pos_ = 0;
};
}  // namespace

TEST_CASE("checked tar source passes a valid archive through unchanged", "[tar]")
{
    temp_tree t;
    t.file("f", std::string(1000, 'f'), 9000);
    tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
    auto bytes = read_all(src);
    tar::checked_tar_source checked(std::make_unique<string_source>(bytes), std::nullopt, "layer x.tar");
    CHECK(read_all(checked) == bytes);
}

TEST_CASE("checked tar source clamps ustar and PAX times", "[tar]")
{
    temp_tree t;
    t.file("f", "content", 9000);
    lading::tar::entry e;
    e.name = "long/" + std::string(200, 'p');
    e.mtime = 9000;
    e.xattrs = {{"user.x", "y"}};
    std::string tar_bytes = tar::encode_header(e) + std::string(1024, '\0');
    // add a PAX mtime record by hand-building: reuse the encoder's header and check clamp result
    tar::checked_tar_source checked(std::make_unique<string_source>(tar_bytes), 1000, "layer x.tar");
    auto out = read_all(checked);
    auto entries = list_tar(out);
    REQUIRE(entries.size() == 2);  // the PAX header and the entry itself
    CHECK(entries[1].mtime == 1000);
}

TEST_CASE("checked tar source rejects what is not a tar archive", "[tar]")
{
    std::string garbage(2048, 'g');
    tar::checked_tar_source checked(std::make_unique<string_source>(garbage), std::nullopt, "layer bad.tar");
    CHECK_THROWS_WITH(read_all(checked), Catch::Contains("layer bad.tar is not a valid tar archive"));

    std::string truncated(700, '\0');
    truncated[0] = 'a';
    tar::checked_tar_source short_one(std::make_unique<string_source>(truncated), std::nullopt, "layer t.tar");
    CHECK_THROWS_AS(read_all(short_one), lading::error);
}

namespace {

// What reading a whole tree gives: the archive bytes, or the error that stopped it.
struct read_outcome {
    std::string bytes;
    std::string error;
};

read_outcome read_outcome_of(byte_source& s, std::size_t chunk = 777)
{
    read_outcome out;
    try {
        out.bytes = read_all(s, chunk);
    } catch (const error& e) {
        out.error = e.what();
    }
    return out;
}

// Reads the first file's header and the start of its content, so that a change comes mid-read.
void read_into_first_file(byte_source& src)
{
    std::vector<std::uint8_t> first(512 + 1000);
    REQUIRE(src.read(first) == first.size());
}

// A tree holding "dir/file" and "top" (both "public-bytes") walked before the test changes
// it, and, outside the tree, "secret" files of the same size that must never be read.
struct walked_then_changed {
    temp_tree t;
    temp_tree outside;
    std::string secret = "secret-bytes";
    walked_then_changed()
    {
        t.file("dir/file", "public-bytes");
        t.file("top", "public-bytes");
        outside.file("secret", secret);
        outside.file("dir/file", secret);
    }
};

}  // namespace

TEST_CASE("a file swapped for a symlink after the walk is an error naming it, not another file's bytes", "[tar][walk]")
{
    walked_then_changed w;
    tar::tree_tar_source src(tar::walk_tree(w.t.root, std::nullopt));
    fs::remove(w.t.root / "top");
    fs::create_symlink(w.outside.root / "secret", w.t.root / "top");
    auto out = read_outcome_of(src);
    CHECK(out.bytes.find(w.secret) == std::string::npos);
    CHECK_THAT(out.error, Catch::Contains((w.t.root / "top").string()) && Catch::Contains("now a symlink"));
}

TEST_CASE("a directory swapped for a symlink after the walk is not followed", "[tar][walk]")
{
    walked_then_changed w;
    tar::tree_tar_source src(tar::walk_tree(w.t.root, std::nullopt));
    fs::rename(w.t.root / "dir", w.outside.root / "moved");
    fs::create_symlink(w.outside.root / "dir", w.t.root / "dir");
    auto out = read_outcome_of(src);
    CHECK(out.bytes.find(w.secret) == std::string::npos);
    CHECK_THAT(out.error, Catch::Contains((w.t.root / "dir/file").string()) && Catch::Contains("not a directory any more"));
}

TEST_CASE("a file replaced by another file after the walk is an error naming it", "[tar][walk]")
{
    walked_then_changed w;
    tar::tree_tar_source src(tar::walk_tree(w.t.root, std::nullopt));
    fs::rename(w.outside.root / "secret", w.t.root / "top");
    auto out = read_outcome_of(src);
    CHECK(out.bytes.find(w.secret) == std::string::npos);
    CHECK_THAT(out.error, Catch::Contains((w.t.root / "top").string()) && Catch::Contains("now another file"));
}

TEST_CASE("a file whose size changed after its header was written is an error naming it", "[tar][walk]")
{
    temp_tree t;
    t.file("grows", std::string(70000, 'g'));
    t.file("shrinks", std::string(70000, 's'));

    SECTION("grown between the walk and the read")
    {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        std::ofstream(t.root / "grows", std::ios::app) << "more";
        CHECK_THROWS_WITH(read_all(src), Catch::Contains((t.root / "grows").string()) &&
                                             Catch::Contains("size went from 70000 to 70004 bytes"));
    }
    SECTION("grown while it is being read")
    {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        read_into_first_file(src);
        std::ofstream(t.root / "grows", std::ios::app) << "more";
        CHECK_THROWS_WITH(read_all(src), Catch::Contains((t.root / "grows").string()) &&
                                             Catch::Contains("grew while it was being read"));
    }
    SECTION("shrunk while it is being read")
    {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        std::vector<std::uint8_t> first(512 + 70000 + 144 + 512 + 1000);  // into the second file's content
        REQUIRE(src.read(first) == first.size());
        fs::resize_file(t.root / "shrinks", 1500);
        CHECK_THROWS_WITH(read_all(src), Catch::Contains((t.root / "shrinks").string()) && Catch::Contains("shrank"));
    }
}

namespace {
// Overwrites the start of `file` in place: same inode, same size, other bytes.
void overwrite_in_place(const fs::path& file, const std::string& bytes)
{
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(f);
    f.seekp(0);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
}  // namespace

TEST_CASE("a file rewritten in place with the same size is an error naming it, not torn content", "[tar][walk]")
{
    temp_tree t;
    t.file("rewritten", std::string(70000, 'o'));

    SECTION("between the walk and the read")
    {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        overwrite_in_place(t.root / "rewritten", "new");
        CHECK(fs::file_size(t.root / "rewritten") == 70000);
        CHECK_THROWS_WITH(read_all(src), Catch::Contains((t.root / "rewritten").string()) &&
                                             Catch::Contains("it was written to or its status changed"));
    }
    SECTION("while it is being read")
    {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        read_into_first_file(src);
        overwrite_in_place(t.root / "rewritten", "new");
        CHECK_THROWS_WITH(read_all(src), Catch::Contains((t.root / "rewritten").string()) &&
                                             Catch::Contains("written to while it was being read"));
    }
    SECTION("its mode changed after its header was made")
    {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        fs::permissions(t.root / "rewritten", fs::perms::owner_exec, fs::perm_options::add);
        CHECK_THROWS_WITH(read_all(src), Catch::Contains("its status changed"));
    }
    SECTION("read without a change, it streams as walked")
    {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        auto entries = list_tar(read_all(src));
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].content == std::string(70000, 'o'));
    }
}

TEST_CASE("walking and reading a deep tree keeps a few descriptors open, whatever the depth", "[tar][walk]")
{
    temp_tree t;
    std::string deep;
    for (int i = 0; i < 300; ++i) deep += "d/";
    t.file(deep + "leaf", "deep content");
    t.file("top", "top content");

    rlimit saved {};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit low = saved;
    low.rlim_cur = 64;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    read_outcome out;
    try {
        tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
        out = read_outcome_of(src);
    } catch (const error& e) {
        out.error = e.what();
    }
    ::setrlimit(RLIMIT_NOFILE, &saved);

    CHECK(out.error.empty());
    std::vector<listed> entries;  // without the PAX headers that carry the long names
    for (auto& e : list_tar(out.bytes))
        if (e.type != 'x') entries.push_back(e);
    REQUIRE(entries.size() == 302);
    CHECK(entries[300].content == "deep content");
    CHECK(entries[301].content == "top content");
}

TEST_CASE("a tree walked in the background streams the same bytes as a finished walk", "[tar][walk]")
{
    temp_tree t;
    // More entries than wait at once between the walk and the reader.
    for (int d = 0; d < 12; ++d)
        for (int f = 0; f < 100; ++f)
            t.file("d" + std::to_string(d) + "/f" + std::to_string(f), std::string(f * 37, char('a' + d)));
    fs::create_hard_link(t.root / "d0/f1", t.root / "d9/hard");
    fs::create_symlink("d0/f2", t.root / "link");

    tar::tree_tar_source finished(tar::walk_tree(t.root, 500));
    tar::tree_tar_source streamed(std::make_unique<tar::background_walk>(t.root, 500));
    CHECK(read_all(streamed, 4096) == read_all(finished, 4096));
}

TEST_CASE("a background walk of a missing or non-directory root fails at once", "[tar][walk]")
{
    CHECK_THROWS_WITH(tar::background_walk("/nonexistent/lading", std::nullopt), Catch::Contains("/nonexistent/lading"));
    temp_tree t;
    t.file("plain", "x");
    CHECK_THROWS_WITH(tar::background_walk(t.root / "plain", std::nullopt), Catch::Contains("is not a directory"));
}

TEST_CASE("a tree source dropped early stops its background walk", "[tar][walk]")
{
    temp_tree t;
    for (int f = 0; f < 3000; ++f) t.file("f" + std::to_string(f), "x");
    tar::tree_tar_source src(std::make_unique<tar::background_walk>(t.root, std::nullopt));
    std::vector<std::uint8_t> buf(4096);
    CHECK(src.read(buf) == buf.size());
    // Leaving the scope joins the walk, which waits on a full queue: it must be told to stop.
}

TEST_CASE("a tree more than 1024 directories deep is refused with its path, not walked until the stack runs out",
          "[tar][walk]")
{
    temp_tree t;
    // Made one level at a time, relative to the level above: the whole path is long.
    auto nest = [&](int levels) {
        int dir = ::open(t.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (int i = 0; i < levels && dir >= 0; ++i) {
            ::mkdirat(dir, "d", 0755);
            const int next = ::openat(dir, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            ::close(dir);
            dir = next;
        }
        REQUIRE(dir >= 0);
        ::close(dir);
    };
    auto walked = [&] {
        try {
            tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
            return read_outcome_of(src);
        } catch (const error& e) {
            return read_outcome{"", e.what()};
        }
    };
    nest(1024);
    CHECK(walked().error.empty());
    nest(1025);
    std::string deepest;
    for (int i = 0; i < 1025; ++i) deepest += "/d";
    CHECK_THAT(walked().error, Catch::EndsWith(deepest + " is more than 1024 directories deep"));
}

TEST_CASE("an extended attribute whose name holds '=' is refused: a PAX record would carry another", "[tar][walk]")
{
    temp_tree t;
    t.file("f", "x");
    REQUIRE(::setxattr((t.root / "f").c_str(), "user.a=b", "1", 1, 0) == 0);
    CHECK_THROWS_WITH(tar::walk_tree(t.root, std::nullopt),
                      Catch::Contains("/f has an extended attribute whose name holds '=' (user.a=b)"));
}

TEST_CASE("every link of a hardlinked file after the first is a hardlink to the first name", "[tar][walk]")
{
    temp_tree t;
    t.file("a", "shared");
    fs::create_hard_link(t.root / "a", t.root / "b");
    fs::create_hard_link(t.root / "a", t.root / "c");
    t.file("d", "shared too");
    fs::create_hard_link(t.root / "d", t.root / "e");
    tar::tree_tar_source src(tar::walk_tree(t.root, std::nullopt));
    auto out = read_outcome_of(src);
    REQUIRE(out.error.empty());
    auto entries = list_tar(out.bytes);
    REQUIRE(entries.size() == 5);
    CHECK(entries[0].type == '0');
    CHECK(entries[0].content == "shared");
    CHECK((entries[1].type == '1' && entries[2].type == '1'));
    CHECK(entries[3].type == '0');
    CHECK(entries[4].type == '1');
    CHECK(out.bytes.substr(512 * 2 + 157, 1) == "a");  // b's link target
}
