#include "sample_layer.hpp"

#include <random>

namespace estargz_test {

namespace {

tar_member reg(std::string name, std::string content)
{
    tar_member m;
    m.name = std::move(name);
    m.content = std::move(content);
    return m;
}

tar_member special(std::string name, char type, std::string link = {})
{
    tar_member m;
    m.name = std::move(name);
    m.type = type;
    m.link_name = std::move(link);
    m.mode = type == '5' ? 0755 : 0777;
    return m;
}

}  // namespace

std::vector<tar_member> sample_members()
{
    std::vector<tar_member> m;
    m.push_back(special("app/", '5'));
    m.push_back(reg("app/empty", ""));
    m.push_back(reg("app/one-byte", "x"));
    m.push_back(reg("app/four-mib.bin", test_content(4 * mib, 4)));
    m.push_back(reg("app/nine-mib.bin", test_content(9 * mib, 9)));
    m.push_back(special("app/link", '2', "one-byte"));
    m.push_back(special("app/hard", '1', "app/one-byte"));

    tar_member x = reg("app/xattr.txt", "a file with extended attributes\n");
    x.pax = {{"SCHILY.xattr.user.x", "hello"}, {"SCHILY.xattr.security.capability", capability_xattr}};
    m.push_back(x);

    m.push_back(reg("app/" + std::string(120, 'p') + "/long-by-pax.txt", "named by a PAX path record\n"));
    tar_member gnu = reg("app/" + std::string(110, 'g') + "-long-by-gnu.txt", "named by a GNU long name\n");
    gnu.gnu_long_name = true;
    m.push_back(gnu);

    tar_member owned = reg("app/owned", "owned by someone\n");
    owned.uid = 1000;
    owned.gid = 1001;
    owned.user_name = "builder";
    owned.group_name = "staff";
    owned.mode = 04755;
    owned.pax = {{"mtime", "1700000000.75"}};
    m.push_back(owned);

    tar_member dev = special("dev/null", '3');
    dev.dev_major = 1;
    dev.dev_minor = 3;
    dev.mode = 0666;
    m.push_back(special("dev/", '5'));
    m.push_back(dev);
    m.push_back(special("app/fifo", '6'));
    m.push_back(reg("app/after-all.txt", test_content(10'000, 5)));
    return m;
}

std::vector<std::uint8_t> tar_of(const std::vector<tar_member>& members, std::size_t record)
{
    const std::string tar = lading::test_tar::archive_of(members, record);
    return {tar.begin(), tar.end()};
}

std::string test_content(std::size_t size, std::uint64_t seed)
{
    static const char* const words[] = {"layer ", "chunk ", "gzip ", "member ", "offset ", "digest\n", "toc "};
    std::mt19937_64 rng(seed);
    std::string out;
    out.reserve(size + 64);
    while (out.size() < size) {
        if (rng() % 4 == 0) {
            for (int i = 0; i < 512; ++i) out += static_cast<char>(rng());
        } else {
            for (int i = 0; i < 64; ++i) out += words[rng() % 7];
        }
    }
    out.resize(size);
    return out;
}

}  // namespace estargz_test
