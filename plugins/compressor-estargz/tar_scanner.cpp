#include "tar_scanner.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace lading::plugins::estargz {

namespace {

// Extended headers are held in memory whole; real ones are a few KiB at most.
constexpr std::uint64_t max_special_size = 16u << 20;

constexpr const char* toc_name = "stargz.index.json";

std::uint64_t padding_of(std::uint64_t size) { return (tar_block - size % tar_block) % tar_block; }

[[noreturn]] void fail(const std::string& why) { throw std::runtime_error("estargz: " + why); }

std::int64_t pax_integer(const std::string& key, const std::string& value)
{
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size())
        fail("PAX record " + key + "=" + value + " is not an integer");
    return v;
}

// "seconds[.fraction]", possibly negative, as floored seconds plus nanoseconds.
std::pair<std::int64_t, std::int64_t> pax_time(const std::string& value)
{
    auto dot = value.find('.');
    std::int64_t seconds = pax_integer("mtime", value.substr(0, dot));
    if (dot == std::string::npos) return {seconds, 0};
    std::string digits = value.substr(dot + 1);
    if (digits.find_first_not_of("0123456789") != std::string::npos) fail("PAX record mtime=" + value + " is not a time");
    digits.resize(9, '0');
    std::int64_t nanos = std::stoll(digits);
    if (value.starts_with('-') && nanos > 0) return {seconds - 1, 1'000'000'000 - nanos};
    return {seconds, nanos};
}

// The name a reader looks the entry up by: path.Clean("/" + name) without the leading '/'.
std::string clean_name(std::string_view name)
{
    std::vector<std::string_view> parts;
    while (!name.empty()) {
        auto slash = name.find('/');
        std::string_view part = name.substr(0, slash);
        name = slash == std::string_view::npos ? std::string_view() : name.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string out;
    for (auto p : parts) {
        if (!out.empty()) out += '/';
        out.append(p);
    }
    return out;
}

char entry_type(char typeflag, const std::string& name)
{
    switch (typeflag) {
    case '0':
    case '7':  // contiguous file: a regular file to everyone but a few old systems
        return '0';
    case '\0':  // pre-POSIX regular file; old archives mark directories with a trailing '/'
        return name.ends_with('/') ? '5' : '0';
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
        return typeflag;
    default:
        fail("unsupported tar entry type '" + std::string(1, typeflag) + "' for \"" + name + "\"");
    }
}

}  // namespace

void tar_scanner::consume(std::span<const std::uint8_t> bytes)
{
    while (!bytes.empty()) {
        std::size_t n = 0;
        switch (state_) {
        case state::header:
        case state::second_zero_block:
            n = std::min(bytes.size(), tar_block - block_fill_);
            std::memcpy(block_ + block_fill_, bytes.data(), n);
            block_fill_ += n;
            break;
        case state::special_data:
            n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), remaining_));
            special_.append(reinterpret_cast<const char*>(bytes.data()), n);
            events_.metadata(bytes.first(n));
            break;
        case state::payload:
            n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), remaining_));
            events_.payload(bytes.first(n));
            break;
        case state::padding:
            n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), remaining_));
            events_.metadata(bytes.first(n));
            break;
        case state::trailer:
            n = bytes.size();
            if (!std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; }))
                fail("data after the tar end-of-archive marker near byte " + std::to_string(offset_));
            break;
        }
        bytes = bytes.subspan(n);
        offset_ += n;

        switch (state_) {
        case state::header:
        case state::second_zero_block:
            if (block_fill_ == tar_block) {
                block_fill_ = 0;
                take_header_block();
            }
            break;
        case state::special_data:
            remaining_ -= n;
            if (remaining_ == 0) end_special_data();
            break;
        case state::payload:
            remaining_ -= n;
            if (remaining_ == 0) {
                events_.entry_end();
                after_data(entry_size_);
            }
            break;
        case state::padding:
            remaining_ -= n;
            if (remaining_ == 0) state_ = state::header;
            break;
        case state::trailer:
            break;
        }
    }
}

void tar_scanner::finish()
{
    bool clean = (state_ == state::header || state_ == state::second_zero_block || state_ == state::trailer) &&
                 block_fill_ == 0;
    if (!clean) fail("the tar stream is truncated (it ends inside an entry at byte " + std::to_string(offset_) + ")");
    if (special_type_ != 0 || !local_pax_.empty() || have_long_name_ || have_long_link_)
        fail("the tar stream ends after an extended header without its entry");
}

void tar_scanner::take_header_block()
{
    std::span<const std::uint8_t, tar_block> block(block_);
    const std::uint64_t at = offset_ - tar_block;
    if (state_ == state::second_zero_block) {
        if (!is_zero_block(block)) fail("a zero block is followed by a header at byte " + std::to_string(at));
        state_ = state::trailer;
        return;
    }
    if (is_zero_block(block)) {
        state_ = state::second_zero_block;
        return;
    }
    header_fields h = decode_header(block, at);
    events_.metadata(block);
    switch (h.typeflag) {
    case 'x':
    case 'g':
    case 'L':
    case 'K':
        if (static_cast<std::uint64_t>(h.size) > max_special_size)
            fail("extended header at byte " + std::to_string(at) + " is larger than 16 MiB");
        special_type_ = h.typeflag;
        special_.clear();
        remaining_ = static_cast<std::uint64_t>(h.size);
        entry_size_ = h.size;
        state_ = state::special_data;
        if (remaining_ == 0) end_special_data();
        return;
    default:
        begin_entry(h);
    }
}

void tar_scanner::end_special_data()
{
    switch (special_type_) {
    case 'x': parse_pax_records(special_, local_pax_); break;
    case 'g': parse_pax_records(special_, global_pax_); break;
    case 'L':
        long_name_ = c_string(special_);
        have_long_name_ = true;
        break;
    case 'K':
        long_link_ = c_string(special_);
        have_long_link_ = true;
        break;
    }
    special_type_ = 0;
    special_.clear();
    after_data(entry_size_);
}

void tar_scanner::begin_entry(const header_fields& h)
{
    tar_entry e;
    e.name = h.name;
    e.link_name = h.link_name;
    e.user_name = h.user_name;
    e.group_name = h.group_name;
    e.mode = h.mode;
    e.uid = h.uid;
    e.gid = h.gid;
    e.mtime = h.mtime;
    e.dev_major = h.dev_major;
    e.dev_minor = h.dev_minor;
    std::int64_t size = h.size;

    pax_records records = global_pax_;
    for (auto& [k, v] : local_pax_) records[k] = v;
    static constexpr std::string_view xattr_prefix = "SCHILY.xattr.";
    for (const auto& [key, value] : records) {
        if (key.starts_with(xattr_prefix)) {
            e.xattrs.emplace_back(key.substr(xattr_prefix.size()), value);  // map order: sorted
            continue;
        }
        if (key.starts_with("GNU.sparse.")) fail("sparse files are not supported (\"" + h.name + "\")");
        if (value.empty()) continue;  // an empty record restores the header's own value
        if (key == "path") e.name = value;
        else if (key == "linkpath") e.link_name = value;
        else if (key == "uname") e.user_name = value;
        else if (key == "gname") e.group_name = value;
        else if (key == "uid") e.uid = pax_integer(key, value);
        else if (key == "gid") e.gid = pax_integer(key, value);
        else if (key == "size") size = pax_integer(key, value);
        else if (key == "mtime") std::tie(e.mtime, e.mtime_nanos) = pax_time(value);
    }
    if (have_long_name_ && !long_name_.empty()) e.name = long_name_;
    if (have_long_link_ && !long_link_.empty()) e.link_name = long_link_;
    local_pax_.clear();
    have_long_name_ = have_long_link_ = false;

    e.type = entry_type(h.typeflag, e.name);
    if (size < 0) fail("negative size for \"" + e.name + "\"");
    // Only regular files carry data, whatever the size field of other types says.
    e.size = e.type == '0' ? size : 0;
    if (clean_name(e.name) == toc_name)
        fail("the input already holds \"" + std::string(toc_name) + "\"; it cannot become eStargz losslessly");

    events_.entry(e);
    if (e.type != '0') {
        after_data(0);
        return;
    }
    entry_size_ = e.size;
    remaining_ = static_cast<std::uint64_t>(e.size);
    if (remaining_ > 0) {
        state_ = state::payload;
        return;
    }
    events_.entry_end();
    after_data(0);
}

void tar_scanner::after_data(std::int64_t size)
{
    remaining_ = padding_of(static_cast<std::uint64_t>(size));
    state_ = remaining_ > 0 ? state::padding : state::header;
}

}  // namespace lading::plugins::estargz
