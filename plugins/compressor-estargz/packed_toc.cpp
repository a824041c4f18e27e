#include "packed_toc.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace lading::plugins::estargz {

namespace {

constexpr std::size_t block_size = 64 * 1024;
constexpr std::string_view digest_prefix = "sha256:";
constexpr std::size_t digest_bytes = 32;

constexpr std::array<const char*, 8> types = {"dir", "reg", "symlink", "hardlink", "char", "block", "fifo", "chunk"};

// Which optional fields a record holds, in the order they follow the type byte.
enum field : std::uint32_t {
    has_size = 1u << 0,
    has_mtime = 1u << 1,
    has_mtime_nanos = 1u << 2,
    has_link_name = 1u << 3,
    has_mode = 1u << 4,
    has_uid = 1u << 5,
    has_gid = 1u << 6,
    has_user_name = 1u << 7,
    has_group_name = 1u << 8,
    has_member = 1u << 9,
    has_dev_major = 1u << 10,
    has_dev_minor = 1u << 11,
    has_xattrs = 1u << 12,
    has_digest = 1u << 13,
    has_chunk_offset = 1u << 14,
    has_chunk_size = 1u << 15,
    has_chunk_digest = 1u << 16,
    chunk_digest_is_digest = 1u << 17,
};

std::uint8_t type_index(const char* type)
{
    for (std::size_t i = 0; i < types.size(); ++i)
        if (std::strcmp(types[i], type) == 0) return static_cast<std::uint8_t>(i);
    throw std::logic_error(std::string("estargz: unknown TOC entry type ") + type);
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

class writer {
public:
    explicit writer(std::string& out) : out_(out) {}

    void unsigned_number(std::uint64_t v)
    {
        while (v >= 0x80) {
            out_ += static_cast<char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        out_ += static_cast<char>(v);
    }
    void number(std::int64_t v)  // zigzag, so small negative numbers stay small
    {
        unsigned_number((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
    void text(const std::string& s)
    {
        unsigned_number(s.size());
        out_ += s;
    }
    void digest(const std::string& d)
    {
        if (d.size() != digest_prefix.size() + 2 * digest_bytes || !d.starts_with(digest_prefix))
            throw std::logic_error("estargz: malformed TOC digest " + d);
        for (std::size_t i = digest_prefix.size(); i < d.size(); i += 2) {
            int high = hex_value(d[i]), low = hex_value(d[i + 1]);
            if (high < 0 || low < 0) throw std::logic_error("estargz: malformed TOC digest " + d);
            out_ += static_cast<char>(high << 4 | low);
        }
    }

private:
    std::string& out_;
};

class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}

    bool done() const { return pos_ == in_.size(); }
    std::uint64_t unsigned_number()
    {
        std::uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
            auto byte = static_cast<std::uint8_t>(in_[pos_++]);
            v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (byte < 0x80) return v;
        }
    }
    std::int64_t number()
    {
        std::uint64_t v = unsigned_number();
        return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
    }
    std::string text()
    {
        auto n = static_cast<std::size_t>(unsigned_number());
        std::string s(in_.substr(pos_, n));
        pos_ += n;
        return s;
    }
    std::string digest()
    {
        static constexpr char hex[] = "0123456789abcdef";
        std::string d(digest_prefix);
        for (std::size_t i = 0; i < digest_bytes; ++i) {
            auto byte = static_cast<std::uint8_t>(in_[pos_++]);
            d += hex[byte >> 4];
            d += hex[byte & 0xf];
        }
        return d;
    }

private:
    std::string_view in_;
    std::size_t pos_ = 0;
};

std::uint32_t fields_of(const toc_entry& e)
{
    std::uint32_t f = 0;
    auto set = [&](bool present, field bit) {
        if (present) f |= bit;
    };
    set(e.size != 0, has_size);
    set(e.mtime != 0, has_mtime);
    set(e.mtime_nanos != 0, has_mtime_nanos);
    set(!e.link_name.empty(), has_link_name);
    set(e.mode != 0, has_mode);
    set(e.uid != 0, has_uid);
    set(e.gid != 0, has_gid);
    set(!e.user_name.empty(), has_user_name);
    set(!e.group_name.empty(), has_group_name);
    set(e.member.has_value(), has_member);
    set(e.dev_major != 0, has_dev_major);
    set(e.dev_minor != 0, has_dev_minor);
    set(!e.xattrs.empty(), has_xattrs);
    set(!e.digest.empty(), has_digest);
    set(e.chunk_offset != 0, has_chunk_offset);
    set(e.chunk_size != 0, has_chunk_size);
    set(!e.chunk_digest.empty(), has_chunk_digest);
    set(e.chunk_digest_is_digest, chunk_digest_is_digest);
    return f;
}

void encode(const toc_entry& e, std::string& out)
{
    writer w(out);
    const std::uint32_t f = fields_of(e);
    w.unsigned_number(f);
    out += static_cast<char>(type_index(e.type));
    w.text(e.name);
    if (f & has_size) w.number(e.size);
    if (f & has_mtime) w.number(e.mtime);
    if (f & has_mtime_nanos) w.number(e.mtime_nanos);
    if (f & has_link_name) w.text(e.link_name);
    if (f & has_mode) w.number(e.mode);
    if (f & has_uid) w.number(e.uid);
    if (f & has_gid) w.number(e.gid);
    if (f & has_user_name) w.text(e.user_name);
    if (f & has_group_name) w.text(e.group_name);
    if (f & has_member) w.unsigned_number(*e.member);
    if (f & has_dev_major) w.number(e.dev_major);
    if (f & has_dev_minor) w.number(e.dev_minor);
    if (f & has_xattrs) {
        w.unsigned_number(e.xattrs.size());
        for (const auto& [name, value] : e.xattrs) {
            w.text(name);
            w.text(value);
        }
    }
    if (f & has_digest) w.digest(e.digest);
    if (f & has_chunk_offset) w.number(e.chunk_offset);
    if (f & has_chunk_size) w.number(e.chunk_size);
    if (f & has_chunk_digest) w.digest(e.chunk_digest);
}

void decode(reader& r, toc_entry& e)
{
    const auto f = static_cast<std::uint32_t>(r.unsigned_number());
    e = toc_entry{};
    e.type = types.at(static_cast<std::size_t>(r.unsigned_number()));
    e.name = r.text();
    if (f & has_size) e.size = r.number();
    if (f & has_mtime) e.mtime = r.number();
    if (f & has_mtime_nanos) e.mtime_nanos = r.number();
    if (f & has_link_name) e.link_name = r.text();
    if (f & has_mode) e.mode = r.number();
    if (f & has_uid) e.uid = r.number();
    if (f & has_gid) e.gid = r.number();
    if (f & has_user_name) e.user_name = r.text();
    if (f & has_group_name) e.group_name = r.text();
    if (f & has_member) e.member = static_cast<std::size_t>(r.unsigned_number());
    if (f & has_dev_major) e.dev_major = r.number();
    if (f & has_dev_minor) e.dev_minor = r.number();
    if (f & has_xattrs) {
        auto n = r.unsigned_number();
        for (std::uint64_t i = 0; i < n; ++i) {
            std::string name = r.text();
            e.xattrs.emplace_back(std::move(name), r.text());
        }
    }
    if (f & has_digest) e.digest = r.digest();
    if (f & has_chunk_offset) e.chunk_offset = r.number();
    if (f & has_chunk_size) e.chunk_size = r.number();
    if (f & has_chunk_digest) e.chunk_digest = r.digest();
    e.chunk_digest_is_digest = (f & chunk_digest_is_digest) != 0;
}

}  // namespace

void packed_toc::append(const toc_entry& e)
{
    record_.clear();
    encode(e, record_);
    if (blocks_.empty() || blocks_.back().size() + record_.size() > blocks_.back().capacity()) {
        blocks_.emplace_back();
        blocks_.back().reserve(std::max(block_size, record_.size()));
    }
    blocks_.back() += record_;
    ++count_;
}

void packed_toc::for_each(const std::function<void(const toc_entry&)>& visit) const
{
    toc_entry e;
    for (const auto& block : blocks_) {
        reader r(block);
        while (!r.done()) {
            decode(r, e);
            visit(e);
        }
    }
}

}  // namespace lading::plugins::estargz
