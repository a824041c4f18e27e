// Streams a walked directory tree as one tar archive, reading each file only when its
// turn comes, so memory stays bounded whatever the tree's size. A file's content comes
// from the very inode the walk listed, with exactly the size its header announces, or the
// stream fails naming the file.
#pragma once

#include <lading/stream/byte_source.hpp>
#include "tar/background_walk.hpp"
#include "tar/tree_walker.hpp"
#include "tar/walked_file_opener.hpp"

#include <memory>
#include <string>
#include <vector>

namespace lading::tar {

class tree_tar_source : public byte_source {
public:
    // The entries of a walk that already finished.
    explicit tree_tar_source(walked_tree tree);
    // The entries of a walk still under way, each as soon as the walk reaches it.
    explicit tree_tar_source(std::unique_ptr<background_walk> walk);
    std::size_t read(std::span<std::uint8_t> buf) override;

private:
    // Refills pending_ with the next header, or content, or padding, or the trailer.
    bool advance();

    // Throws when the file just read to its announced size has more bytes now, or was
    // written to while it was read (a rewrite in place of the same size).
    void check_read_whole_and_unchanged();

    // The next entry in walk order, or nothing at the end.
    std::optional<tree_entry> next_entry();

    std::vector<tree_entry> entries_;
    std::size_t next_ = 0;
    std::unique_ptr<background_walk> walk_;
    walked_file_opener opener_;
    std::string pending_;
    std::size_t pending_pos_ = 0;
    std::unique_ptr<file_source> file_;
    std::uint64_t file_left_ = 0;
    std::size_t padding_after_file_ = 0;
    tree_entry current_;
    bool trailer_written_ = false;
};

}  // namespace lading::tar
