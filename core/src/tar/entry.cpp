#include <lading/formats/pax_records.hpp>
#include <lading/formats/ustar_block.hpp>
#include "tar/entry.hpp"

#include <string_view>

namespace lading::tar {

namespace {

using formats::pax::encode_record;
using formats::ustar::fits_octal;
using formats::ustar::split_name;

std::string basename_of(std::string_view name)
{
    if (name.ends_with('/')) name.remove_suffix(1);
    auto slash = name.rfind('/');
    return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

std::string dirname_of(std::string_view name)
{
    if (name.ends_with('/')) name.remove_suffix(1);
    auto slash = name.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(name.substr(0, slash + 1));
}

}  // namespace

std::size_t padding_for(std::uint64_t size) { return formats::ustar::padding_for(size); }

std::string encode_header(const entry& e)
{
    formats::ustar::ustar_fields f;
    f.typeflag = static_cast<char>(e.type);
    std::string records;
    if (!split_name(e.name, f.prefix, f.name)) {
        records += encode_record("path", e.name);
        f.prefix = {};
        f.name = std::string_view(e.name).substr(0, 100);
    }
    f.link_name = e.link_name;
    if (f.link_name.size() > 100) {
        records += encode_record("linkpath", e.link_name);
        f.link_name = f.link_name.substr(0, 100);
    }
    if (!fits_octal(e.uid, 8)) records += encode_record("uid", std::to_string(e.uid));
    if (!fits_octal(e.gid, 8)) records += encode_record("gid", std::to_string(e.gid));
    if (!fits_octal(e.size, 12)) records += encode_record("size", std::to_string(e.size));
    if (e.mtime < 0 || !fits_octal(static_cast<std::uint64_t>(e.mtime), 12))
        records += encode_record("mtime", std::to_string(e.mtime));
    for (const auto& [key, value] : e.xattrs) records += encode_record("SCHILY.xattr." + key, value);

    std::string out;
    if (!records.empty()) {
        formats::ustar::ustar_fields pax;
        const std::string pax_name = dirname_of(e.name) + "PaxHeaders.0/" + basename_of(e.name);
        if (!split_name(pax_name, pax.prefix, pax.name)) {
            pax.prefix = {};
            pax.name = std::string_view(pax_name).substr(0, 100);
        }
        pax.typeflag = 'x';
        pax.mode = 0644;
        pax.size = records.size();
        out += formats::ustar::encode_block(pax);
        out += records;
        out.append(padding_for(records.size()), '\0');
    }
    f.mode = e.mode & 07777;
    f.uid = e.uid;
    f.gid = e.gid;
    f.size = e.type == entry_type::regular ? e.size : 0;
    f.mtime = e.mtime;
    f.device = e.type == entry_type::char_device || e.type == entry_type::block_device;
    f.dev_major = e.dev_major;
    f.dev_minor = e.dev_minor;
    out += formats::ustar::encode_block(f);
    return out;
}

}  // namespace lading::tar
