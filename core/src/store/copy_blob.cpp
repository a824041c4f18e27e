#include "store/copy_blob.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>

#include <vector>

namespace lading {

void copy_blob(plugin::store& from, const descriptor& d, plugin::store& to, const std::string& whose)
{
    if (to.blob_size(d.digest)) return;
    auto src = from.open_blob(d.digest);
    auto w = to.begin_blob();
    sha256_hasher hash;
    std::uint64_t size = 0;
    std::vector<std::uint8_t> buf(1 << 20);
    while (auto n = src->read(buf)) {
        std::span<const std::uint8_t> bytes(buf.data(), n);
        size += n;
        hash.update(bytes);
        w->write(bytes);
    }
    if (size != d.size || hash.finish() != d.digest)
        throw error("blob " + d.digest.str() + " of " + whose + " does not match its digest and size");
    w->commit(d.digest);
}

}  // namespace lading
