// The blocks in front of each tar entry — extended headers (PAX 'x' and 'g', GNU 'L' and
// 'K') and the entry's own header — and the end-of-archive marker, decoded into entries.
// Sans-I/O: the caller reads the bytes and hands them over; every tar reader in lading
// (the unpacker's, the tarball layer check, the eStargz scanner) goes through this, so
// they accept and refuse the same archives.
//
// Rules where tar readers disagree, chosen so that an archive lading accepts reads the
// same in GNU tar, Go's archive/tar (containerd) and lading:
//  - Extended headers in front of one entry hold at most 16 MiB together; a larger claim
//    is refused before any of it is read.
//  - A PAX global header ('g') is accepted only when none of its records would change an
//    entry (git's "comment" is the usual one); GNU tar applies global records to later
//    entries while archive/tar ignores them, so one that sets path, size, mtime, ids,
//    names or xattrs is refused.
//  - At most one 'x', one 'L' and one 'K' in front of an entry, and not both 'L' and a
//    PAX path (nor 'K' and a PAX linkpath): readers differ on which one wins.
//  - Only regular files carry content. An entry of any other type whose size is not 0
//    is refused (GNU tar skips that many bytes for some types, archive/tar for none).
//    Typeflag '\0' is a regular file, or a directory when the name ends in '/'.
//  - The archive ends at a zero block followed by a second one or by the end of the input.
//    A zero block followed by anything else is refused (GNU tar stops there with a warning,
//    archive/tar fails). Bytes after the two zero blocks are not read.
//  - An empty PAX value means "no override". Sparse files (GNU.sparse.*, 'S') are refused.
#pragma once

#include <lading/formats/ustar_block.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lading::formats::ustar {

inline constexpr std::uint64_t max_extended_headers = 16u << 20;

enum class entry_kind : char {
    regular = '0',
    hardlink = '1',
    symlink = '2',
    char_device = '3',
    block_device = '4',
    directory = '5',
    fifo = '6',
};

// One entry with every extended header applied.
struct decoded_entry {
    entry_kind kind = entry_kind::regular;
    char typeflag = '0';  // as stored
    std::string name;  // as stored: not cleaned, may be absolute or hold ".."
    std::string link_name;
    std::string user_name, group_name;
    std::int64_t mode = 0;  // the mode field as stored
    std::uint64_t uid = 0, gid = 0;
    std::uint64_t size = 0;  // content bytes that follow the header; 0 unless regular
    std::int64_t mtime = 0;  // seconds, floored
    std::uint32_t mtime_nanoseconds = 0;  // only PAX times have them
    std::uint32_t dev_major = 0, dev_minor = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;  // sorted by name, unique
};

class header_decoder {
public:
    enum class step {
        entry,             // entry() is the next entry; its content follows (size bytes, then padding)
        extension,         // extension_size() bytes follow (then padding): pass them to take_extension
        first_zero_block,  // pass the next block, or call take_end_of_input when there is none
        end,               // the end-of-archive marker: stop reading
    };

    // The next block of the archive where a header is due. Throws format_error; the
    // message says what is wrong, the caller adds where.
    step take_block(block_view block);

    // The body of the extended header announced by the last take_block (exactly
    // extension_size() bytes, without the padding).
    void take_extension(std::string_view body);

    // The input ended where a header was due: fine after a zero block, refused elsewhere.
    void take_end_of_input() const;

    const decoded_entry& entry() const { return entry_; }
    std::uint64_t extension_size() const { return extension_size_; }

private:
    enum class state { header, extension_body, after_zero_block, ended };

    decoded_entry finish_entry(const header_block& h);
    void apply_local(std::string_view body);
    static void check_global(std::string_view body);

    state state_ = state::header;
    char extension_type_ = 0;
    std::uint64_t extension_size_ = 0;
    std::uint64_t extension_bytes_ = 0;  // extended headers in front of the coming entry
    decoded_entry entry_;

    // What the extended headers in front of the coming entry set.
    bool have_pax_ = false, have_long_name_ = false, have_long_link_ = false;
    std::optional<std::string> pax_path_, pax_link_path_, pax_user_name_, pax_group_name_;
    std::optional<std::uint64_t> pax_size_, pax_uid_, pax_gid_;
    std::optional<std::pair<std::int64_t, std::uint32_t>> pax_mtime_;
    std::vector<std::pair<std::string, std::string>> pax_xattrs_;
    std::string long_name_, long_link_;
};

// `name` in double quotes with control bytes, quotes and backslashes escaped, so that an
// error naming an entry stays on one line whatever bytes the archive put in the name.
std::string printable_name(std::string_view name);

}  // namespace lading::formats::ustar
