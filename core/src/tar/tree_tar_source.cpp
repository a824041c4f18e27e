#include <lading/error.hpp>
#include "tar/tree_tar_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace lading::tar {

tree_tar_source::tree_tar_source(walked_tree tree)
    : entries_(std::move(tree.entries)), opener_(tree.root, tree.root_identity)
{
}

tree_tar_source::tree_tar_source(std::unique_ptr<background_walk> walk)
    : walk_(std::move(walk)), opener_(walk_->root(), walk_->root_identity())
{
}

std::optional<tree_entry> tree_tar_source::next_entry()
{
    if (walk_) return walk_->next();
    if (next_ < entries_.size()) return std::move(entries_[next_++]);
    return std::nullopt;
}

bool tree_tar_source::advance()
{
    pending_.clear();
    pending_pos_ = 0;
    if (padding_after_file_ > 0) {
        pending_.assign(padding_after_file_, '\0');
        padding_after_file_ = 0;
        return true;
    }
    if (auto entry = next_entry()) {
        current_ = std::move(*entry);
        pending_ = encode_header(current_.header);
        if (current_.header.type == entry_type::regular && current_.header.size > 0) {
            file_ = std::make_unique<file_source>(opener_.open(current_).release(), current_.source);
            file_left_ = current_.header.size;
            padding_after_file_ = padding_for(file_left_);
        }
        return true;
    }
    if (!trailer_written_) {
        trailer_written_ = true;
        pending_.assign(end_of_archive_size, '\0');
        return true;
    }
    return false;
}

std::size_t tree_tar_source::read(std::span<std::uint8_t> buf)
{
    std::size_t filled = 0;
    while (filled < buf.size()) {
        if (pending_pos_ < pending_.size()) {
            auto n = std::min(buf.size() - filled, pending_.size() - pending_pos_);
            std::memcpy(buf.data() + filled, pending_.data() + pending_pos_, n);
            pending_pos_ += n;
            filled += n;
            continue;
        }
        if (file_left_ > 0) {
            auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() - filled, file_left_));
            auto n = file_->read(buf.subspan(filled, want));
            if (n == 0)
                throw_changed(current_, "it shrank while it was being read");
            file_left_ -= n;
            filled += n;
            if (file_left_ == 0) {
                check_read_whole_and_unchanged();
                file_.reset();
            }
            continue;
        }
        if (!advance()) break;
    }
    return filled;
}

void tree_tar_source::check_read_whole_and_unchanged()
{
    std::uint8_t probe = 0;
    if (file_->read(std::span(&probe, 1)) != 0) throw_changed(current_, "it grew while it was being read");
    struct stat st {};
    if (::fstat(file_->descriptor(), &st) != 0) throw error("cannot stat " + current_.source.string() + ": " + std::strerror(errno));
    if (change_stamp_of(st) != current_.changed) throw_changed(current_, "it was written to while it was being read");
}

}  // namespace lading::tar
