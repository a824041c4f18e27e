#include "tar_scanner.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace lading::plugins::estargz {

namespace {

using formats::ustar::header_decoder;

constexpr const char* toc_name = "stargz.index.json";

[[noreturn]] void fail(const std::string& why) { throw std::runtime_error("estargz: " + why); }

[[noreturn]] void not_tar(const formats::format_error& e, std::uint64_t at)
{
    fail(std::string("input is not a tar stream this codec can read: ") + e.what() + " (block at byte " +
         std::to_string(at) + ")");
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

tar_entry to_tar_entry(const formats::ustar::decoded_entry& d)
{
    tar_entry e;
    e.type = static_cast<char>(d.kind);
    e.name = d.name;
    e.link_name = d.link_name;
    e.user_name = d.user_name;
    e.group_name = d.group_name;
    e.mode = d.mode;
    e.uid = static_cast<std::int64_t>(d.uid);
    e.gid = static_cast<std::int64_t>(d.gid);
    e.size = static_cast<std::int64_t>(d.size);
    e.mtime = d.mtime;
    e.mtime_nanos = d.mtime_nanoseconds;
    e.dev_major = d.dev_major;
    e.dev_minor = d.dev_minor;
    e.xattrs = d.xattrs;
    return e;
}

}  // namespace

void tar_scanner::consume(std::span<const std::uint8_t> bytes)
{
    while (!bytes.empty()) {
        std::size_t n = 0;
        switch (state_) {
        case state::header:
            n = std::min(bytes.size(), tar_block - block_fill_);
            std::memcpy(block_ + block_fill_, bytes.data(), n);
            block_fill_ += n;
            break;
        case state::extension_data:
            n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), remaining_));
            extension_.append(reinterpret_cast<const char*>(bytes.data()), n);
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
        case state::trailer:  // after the end-of-archive marker nothing is read
            n = bytes.size();
            break;
        }
        bytes = bytes.subspan(n);
        offset_ += n;

        switch (state_) {
        case state::header:
            if (block_fill_ == tar_block) {
                block_fill_ = 0;
                take_header_block();
            }
            break;
        case state::extension_data:
            remaining_ -= n;
            if (remaining_ == 0) end_extension_data();
            break;
        case state::payload:
            remaining_ -= n;
            if (remaining_ == 0) {
                events_.entry_end();
                after_data(data_size_);
            }
            break;
        case state::padding:
            remaining_ -= n;
            if (remaining_ == 0) state_ = state::header;
            break;
        case state::trailer: break;
        }
    }
}

void tar_scanner::finish()
{
    if (state_ != state::header && state_ != state::trailer)
        fail("the tar stream is truncated (it ends inside an entry at byte " + std::to_string(offset_) + ")");
    if (block_fill_ != 0) fail("the tar stream ends inside a 512-byte block at byte " + std::to_string(offset_));
    try {
        decoder_.take_end_of_input();
    } catch (const formats::format_error& e) {
        not_tar(e, offset_);
    }
}

void tar_scanner::take_header_block()
{
    std::span<const std::uint8_t, tar_block> block(block_);
    const std::uint64_t at = offset_ - tar_block;
    header_decoder::step step{};
    try {
        step = decoder_.take_block(block);
    } catch (const formats::format_error& e) {
        not_tar(e, at);
    }
    switch (step) {
    case header_decoder::step::first_zero_block: return;  // the end-of-archive marker is swallowed
    case header_decoder::step::end: state_ = state::trailer; return;
    case header_decoder::step::extension:
        events_.metadata(block);
        extension_.clear();
        remaining_ = decoder_.extension_size();  // bounded by the decoder
        data_size_ = remaining_;
        state_ = state::extension_data;
        if (remaining_ == 0) end_extension_data();
        return;
    case header_decoder::step::entry:
        events_.metadata(block);
        begin_entry(decoder_.entry());
        return;
    }
}

void tar_scanner::end_extension_data()
{
    try {
        decoder_.take_extension(extension_);
    } catch (const formats::format_error& e) {
        not_tar(e, offset_ - extension_.size());
    }
    extension_.clear();
    after_data(data_size_);
}

void tar_scanner::begin_entry(const formats::ustar::decoded_entry& d)
{
    tar_entry e = to_tar_entry(d);
    if (clean_name(e.name) == toc_name)
        fail("the input already holds \"" + std::string(toc_name) + "\"; it cannot become eStargz losslessly");

    events_.entry(e);
    if (e.type != '0') {
        after_data(0);
        return;
    }
    data_size_ = d.size;
    remaining_ = d.size;
    if (remaining_ > 0) {
        state_ = state::payload;
        return;
    }
    events_.entry_end();
    after_data(0);
}

void tar_scanner::after_data(std::uint64_t size)
{
    remaining_ = formats::ustar::padding_for(size);
    state_ = remaining_ > 0 ? state::padding : state::header;
}

}  // namespace lading::plugins::estargz
