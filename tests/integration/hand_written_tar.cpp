#include "hand_written_tar.hpp"

#include "common/tar_builder.hpp"

#include <fstream>
#include <stdexcept>

namespace lading::test {

std::string hand_written_tar(const std::vector<tar_member>& members)
{
    std::string out;
    for (const auto& m : members) {
        if (m.name.size() > 100 || m.link.size() > 100) throw std::runtime_error("tar field too long: " + m.name);
        const bool has_content = m.type == '0' || m.type == 'x';
        test_tar::raw_header h;
        h.name = m.name;
        h.typeflag = m.type;
        h.mode = test_tar::octal(m.mode, 7);
        h.size_value = has_content ? m.content.size() : 0;
        h.mtime = test_tar::octal(static_cast<std::uint64_t>(m.mtime), 11);
        h.link_name = m.link;
        h.dev_major = test_tar::octal(m.dev_major, 7);
        h.dev_minor = test_tar::octal(m.dev_minor, 7);
        out += test_tar::raw_block(h);
        if (has_content) out += test_tar::padded(m.content);
    }
    return out + test_tar::end_marker();
}

void write_bytes(const std::filesystem::path& file, const std::string& bytes)
{
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace lading::test
