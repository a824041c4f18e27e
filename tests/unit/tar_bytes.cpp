#include "tar_bytes.hpp"


namespace lading::test_tar {

item file(std::string name, std::string content, std::uint32_t mode, std::int64_t mtime)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::regular;
    i.header.mode = mode;
    i.header.size = content.size();
    i.header.mtime = mtime;
    i.content = std::move(content);
    return i;
}

item directory(std::string name, std::uint32_t mode, std::int64_t mtime)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::directory;
    i.header.mode = mode;
    i.header.mtime = mtime;
    return i;
}

item symlink(std::string name, std::string target)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::symlink;
    i.header.mode = 0777;
    i.header.link_name = std::move(target);
    i.header.mtime = 1'600'000'000;
    return i;
}

item hardlink(std::string name, std::string target)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::hardlink;
    i.header.mode = 0644;
    i.header.link_name = std::move(target);
    return i;
}

item fifo(std::string name)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::fifo;
    i.header.mode = 0640;
    i.header.mtime = 1'600'000'000;
    return i;
}

item whiteout(std::string name) { return file(std::move(name), "", 0, 0); }

std::string archive(const std::vector<item>& items)
{
    std::string out;
    for (const auto& i : items) out += tar::encode_header(i.header) + padded(i.content);
    return out + end_marker();
}

}  // namespace lading::test_tar
