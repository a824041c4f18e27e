// The TOC entries of a layer, kept packed until the TOC is written: a tar path, a few
// varints and raw 32-byte digests per entry, about a third of the memory that the entries
// as structures would take (a layer may have hundreds of thousands).
#pragma once

#include "toc.hpp"

#include <functional>
#include <string>
#include <vector>

namespace lading::plugins::estargz {

class packed_toc {
public:
    // Appends e after the entries already kept; reading gives it back field for field.
    void append(const toc_entry& e);
    // Calls visit with each entry, in the order appended.
    void for_each(const std::function<void(const toc_entry&)>& visit) const;
    std::size_t size() const { return count_; }

private:
    std::vector<std::string> blocks_;  // records never straddle blocks, so no block is ever moved
    std::size_t count_ = 0;
    std::string record_;  // the record being packed
};

}  // namespace lading::plugins::estargz
