#include <lading/formats/header_decoder.hpp>
#include <lading/formats/pax_records.hpp>

#include <algorithm>
#include <limits>
#include <map>

namespace lading::formats::ustar {

namespace {

constexpr std::string_view xattr_prefix = "SCHILY.xattr.";

std::optional<entry_kind> kind_of(char flag, std::string_view name)
{
    switch (flag) {
    case '0':
    case '7': return entry_kind::regular;  // '7': contiguous file, a regular file everywhere
    case '\0': return name.ends_with('/') ? entry_kind::directory : entry_kind::regular;
    case '1': return entry_kind::hardlink;
    case '2': return entry_kind::symlink;
    case '3': return entry_kind::char_device;
    case '4': return entry_kind::block_device;
    case '5': return entry_kind::directory;
    case '6': return entry_kind::fifo;
    default: return std::nullopt;
    }
}

// Keys whose value changes an entry as lading or another reader presents it.
bool changes_entry(std::string_view key)
{
    return key == "path" || key == "linkpath" || key == "size" || key == "uid" || key == "gid" || key == "mtime" ||
           key == "uname" || key == "gname" || key.starts_with(xattr_prefix) || key.starts_with("GNU.sparse.");
}

[[noreturn]] void bad_record(std::string_view key, std::string_view value)
{
    throw format_error("invalid PAX record " + printable_name(key) + "=" + printable_name(value.substr(0, 40)));
}

}  // namespace

std::string printable_name(std::string_view name)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

header_decoder::step header_decoder::take_block(block_view block)
{
    switch (state_) {
    case state::extension_body: throw format_error("an extended header's body was not passed on");
    case state::ended: throw format_error("a block after the end-of-archive marker");
    case state::after_zero_block:
        if (!is_zero_block(block)) throw format_error("a single zero block is followed by more data");
        state_ = state::ended;
        return step::end;
    case state::header: break;
    }
    if (is_zero_block(block)) {
        if (have_pax_ || have_long_name_ || have_long_link_)
            throw format_error("an extended header has no entry after it");
        state_ = state::after_zero_block;
        return step::first_zero_block;
    }
    const header_block h = decode_block(block);
    const char flag = h.typeflag;
    if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
        const auto size = static_cast<std::uint64_t>(h.size);
        const std::uint64_t total = flag == 'g' ? size : extension_bytes_ + std::min(size, max_extended_headers + 1);
        if (total > max_extended_headers)
            throw format_error("extended headers of " + std::to_string(flag == 'g' ? size : extension_bytes_ + size) +
                               " bytes in front of one entry are too large: they exceed " +
                               std::to_string(max_extended_headers >> 20) + " MiB");
        if ((flag == 'x' && have_pax_) || (flag == 'L' && have_long_name_) || (flag == 'K' && have_long_link_))
            throw format_error(std::string("two extended headers of type '") + flag + "' in front of one entry");
        if (flag != 'g') extension_bytes_ = total;
        extension_type_ = flag;
        extension_size_ = size;
        state_ = state::extension_body;
        return step::extension;
    }
    entry_ = finish_entry(h);
    return step::entry;
}

void header_decoder::take_extension(std::string_view body)
{
    if (state_ != state::extension_body || body.size() != extension_size_)
        throw format_error("an extended header's body does not match its header");
    state_ = state::header;
    switch (extension_type_) {
    case 'x':
        have_pax_ = true;
        apply_local(body);
        break;
    case 'g': check_global(body); break;
    case 'L':
        have_long_name_ = true;
        long_name_ = std::string(body.substr(0, body.find('\0')));
        break;
    case 'K':
        have_long_link_ = true;
        long_link_ = std::string(body.substr(0, body.find('\0')));
        break;
    }
}

void header_decoder::take_end_of_input() const
{
    switch (state_) {
    case state::after_zero_block:
    case state::ended: return;
    case state::extension_body: throw format_error("it ends inside an extended header");
    case state::header:
        if (have_pax_ || have_long_name_ || have_long_link_)
            throw format_error("it ends after an extended header without its entry");
        throw format_error("it ends without an end-of-archive marker");
    }
}

void header_decoder::check_global(std::string_view body)
{
    for (const auto& r : pax::parse_records(body))
        if (changes_entry(r.key) || r.key.find('\0') != std::string_view::npos)
            throw format_error("a PAX global header sets " + printable_name(r.key) +
                               "; global headers that change entries are not accepted (tar readers disagree on them)");
}

void header_decoder::apply_local(std::string_view body)
{
    std::map<std::string, std::string, std::less<>> xattrs;
    for (const auto& [key, value] : pax::parse_records(body)) {
        // A NUL would end a name at the kernel while every check before saw the whole string.
        // (xattr values are binary and may hold NULs; their names may not.)
        const bool is_name = key == "path" || key == "linkpath";
        if (key.find('\0') != std::string_view::npos || (is_name && value.find('\0') != std::string_view::npos))
            bad_record(key, value);
        if (key.starts_with("GNU.sparse.")) throw format_error("sparse files are not supported");
        if (key.starts_with(xattr_prefix)) {
            if (key.size() == xattr_prefix.size()) bad_record(key, value);
            xattrs.insert_or_assign(std::string(key.substr(xattr_prefix.size())), std::string(value));
            continue;
        }
        if (value.empty()) {  // restores the header's own field
            if (key == "path") pax_path_.reset();
            else if (key == "linkpath") pax_link_path_.reset();
            else if (key == "size") pax_size_.reset();
            else if (key == "uid") pax_uid_.reset();
            else if (key == "gid") pax_gid_.reset();
            else if (key == "mtime") pax_mtime_.reset();
            else if (key == "uname") pax_user_name_.reset();
            else if (key == "gname") pax_group_name_.reset();
            continue;
        }
        if (key == "path") pax_path_ = std::string(value);
        else if (key == "linkpath") pax_link_path_ = std::string(value);
        else if (key == "uname") pax_user_name_ = std::string(value);
        else if (key == "gname") pax_group_name_ = std::string(value);
        else if (key == "size" || key == "uid" || key == "gid") {
            auto v = pax::parse_decimal(value);
            if (!v || *v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) bad_record(key, value);
            (key == "size" ? pax_size_ : key == "uid" ? pax_uid_ : pax_gid_) = *v;
        } else if (key == "mtime") {
            auto t = pax::parse_time(value);
            if (!t) bad_record(key, value);
            pax_mtime_ = std::pair(t->seconds, t->nanoseconds);
        }
        // Other records (atime, ctime, comment, charset, vendor keys) do not change an entry.
    }
    pax_xattrs_.assign(xattrs.begin(), xattrs.end());
}

decoded_entry header_decoder::finish_entry(const header_block& h)
{
    if (have_long_name_ && pax_path_) throw format_error("both a GNU long name and a PAX path name one entry");
    if (have_long_link_ && pax_link_path_) throw format_error("both a GNU long link name and a PAX linkpath name one entry");

    decoded_entry e;
    e.typeflag = h.typeflag;
    e.name = have_long_name_ ? long_name_ : pax_path_ ? *pax_path_ : h.name;
    e.link_name = have_long_link_ ? long_link_ : pax_link_path_ ? *pax_link_path_ : h.link_name;
    e.user_name = pax_user_name_.value_or(h.user_name);
    e.group_name = pax_group_name_.value_or(h.group_name);
    e.mode = h.mode;
    e.uid = pax_uid_.value_or(static_cast<std::uint64_t>(h.uid));
    e.gid = pax_gid_.value_or(static_cast<std::uint64_t>(h.gid));
    e.mtime = pax_mtime_ ? pax_mtime_->first : h.mtime;
    e.mtime_nanoseconds = pax_mtime_ ? pax_mtime_->second : 0;
    e.dev_major = static_cast<std::uint32_t>(h.dev_major);
    e.dev_minor = static_cast<std::uint32_t>(h.dev_minor);
    e.xattrs = std::move(pax_xattrs_);
    const std::uint64_t size = pax_size_.value_or(static_cast<std::uint64_t>(h.size));

    *this = header_decoder{};  // the extended headers apply to this entry only

    if (e.name.empty()) throw format_error("an entry has an empty name");
    const auto kind = kind_of(e.typeflag, e.name);
    if (!kind)
        throw format_error("entry " + printable_name(e.name) + " has the unsupported type " +
                           printable_name(std::string_view(&e.typeflag, 1)) + (e.typeflag == 'S' ? " (a sparse file)" : ""));
    e.kind = *kind;
    if (e.kind != entry_kind::regular && size != 0)
        throw format_error("entry " + printable_name(e.name) + " of type " + printable_name(std::string_view(&e.typeflag, 1)) +
                           " claims " + std::to_string(size) + " bytes of content; only regular files carry content");
    e.size = size;
    return e;
}

}  // namespace lading::formats::ustar
