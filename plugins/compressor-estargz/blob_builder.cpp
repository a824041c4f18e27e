#include "blob_builder.hpp"

#include "blob_tail.hpp"

#include <algorithm>

namespace lading::plugins::estargz {

namespace {

// "sha256:<hex>", as the TOC and the plugin ABI write digests; the hasher starts over.
std::string oci_digest(formats::sha256& hasher) { return "sha256:" + hasher.finish_hex(); }

std::span<const std::uint8_t> as_bytes(std::string_view text)
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

const char* toc_type(char tar_type)
{
    switch (tar_type) {
    case '0': return "reg";
    case '1': return "hardlink";
    case '2': return "symlink";
    case '3': return "char";
    case '4': return "block";
    case '5': return "dir";
    default: return "fifo";
    }
}

}  // namespace

blob_builder::blob_builder(int level, unsigned threads) : members_(level, threads) {}

void blob_builder::metadata(std::span<const std::uint8_t> bytes) { write(bytes); }

void blob_builder::entry(const tar_entry& e)
{
    toc_entry t;
    t.name = e.name;
    t.type = toc_type(e.type);
    t.size = e.size;
    t.mtime = e.mtime;
    t.mtime_nanos = e.mtime_nanos;
    if (e.type == '1' || e.type == '2') t.link_name = e.link_name;
    t.mode = e.mode;
    t.uid = e.uid;
    t.gid = e.gid;
    t.user_name = e.user_name;
    t.group_name = e.group_name;
    if (e.type == '3' || e.type == '4') {
        t.dev_major = e.dev_major;
        t.dev_minor = e.dev_minor;
    }
    t.xattrs = e.xattrs;
    if (e.type != '0') {
        toc_.append(t);
        return;
    }
    file_entries_.clear();
    file_entries_.push_back(std::move(t));
    file_size_ = e.size;
    file_pos_ = 0;
    chunk_left_ = 0;
}

void blob_builder::payload(std::span<const std::uint8_t> bytes)
{
    const bool chunked = file_size_ > chunk_size;
    while (!bytes.empty()) {
        if (chunk_left_ == 0) start_chunk();
        auto n = static_cast<std::size_t>(std::min<std::int64_t>(chunk_left_, static_cast<std::int64_t>(bytes.size())));
        auto piece = bytes.first(n);
        write(piece);
        file_hash_.update(piece);
        if (chunked) chunk_hash_.update(piece);
        bytes = bytes.subspan(n);
        file_pos_ += static_cast<std::int64_t>(n);
        chunk_left_ -= static_cast<std::int64_t>(n);
        if (chunk_left_ == 0 && chunked) file_entries_.back().chunk_digest = oci_digest(chunk_hash_);
    }
}

void blob_builder::start_chunk()
{
    chunk_left_ = std::min(chunk_size, file_size_ - file_pos_);
    // The chunk, the padding after it and, often, the next entry's header blocks.
    std::size_t member = members_.open_member(static_cast<std::size_t>(chunk_left_) + 3 * tar_block);
    if (file_pos_ > 0) {
        toc_entry c;
        c.name = file_entries_.front().name;
        c.type = "chunk";
        file_entries_.push_back(std::move(c));
    }
    toc_entry& c = file_entries_.back();
    c.member = member;
    c.chunk_offset = file_pos_;
    // Like the reference writer: every full-size chunk states its size, even a last one.
    if (chunk_left_ == chunk_size) c.chunk_size = chunk_size;
}

void blob_builder::entry_end()
{
    toc_entry& f = file_entries_.front();
    f.digest = oci_digest(file_hash_);
    f.chunk_digest_is_digest = file_size_ > 0 && file_size_ <= chunk_size;
    for (const auto& e : file_entries_) toc_.append(e);
    file_entries_.clear();
}

void blob_builder::finish()
{
    members_.close_member();
    members_.collect(true);
    // The TOC is serialised twice rather than held: once for its size (the tar header
    // comes first) and digest, once into the TOC member.
    const member_offsets offset_of = [this](std::size_t m) { return members_.offset_of(m); };
    formats::sha256 toc_hash;
    std::uint64_t json_size = 0;
    write_toc_json(toc_, offset_of, [&](std::string_view piece) {
        toc_hash.update(piece);
        json_size += piece.size();
    });
    toc_digest_ = oci_digest(toc_hash);

    std::size_t toc_member = members_.open_member(static_cast<std::size_t>(json_size) + 4 * tar_block);
    write(toc_tar_header(json_size));
    write_toc_json(toc_, offset_of, [this](std::string_view piece) { write(as_bytes(piece)); });
    write(toc_tar_end(json_size));
    members_.close_member();
    members_.collect(true);
    members_.write_raw(footer(members_.offset_of(toc_member)));
    diff_id_ = oci_digest(diff_hash_);
}

void blob_builder::write(std::span<const std::uint8_t> bytes)
{
    diff_hash_.update(bytes);
    uncompressed_size_ += bytes.size();
    members_.write(bytes);
}

}  // namespace lading::plugins::estargz
