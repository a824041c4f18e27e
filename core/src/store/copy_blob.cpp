#include "store/copy_blob.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>

#include <vector>

namespace lading {

namespace {
error mismatch(const descriptor& d, const std::string& whose)
{
    return error("blob " + d.digest.str() + " of " + whose + " does not match its digest and size");
}
}  // namespace

void write_checked_blob(byte_source& from, const descriptor& d, plugin::store& to, const std::string& whose)
{
    auto w = to.begin_blob();
    sha256_hasher hash;
    std::vector<std::uint8_t> buf(1 << 20);
    while (auto n = from.read(buf)) {
        if (hash.bytes() + n > d.size) throw mismatch(d, whose);
        std::span<const std::uint8_t> bytes(buf.data(), n);
        hash.update(bytes);
        w->write(bytes);
    }
    if (hash.bytes() != d.size || hash.finish() != d.digest) throw mismatch(d, whose);
    w->commit(d.digest);
}

void copy_blob(plugin::store& from, const descriptor& d, plugin::store& to, const std::string& whose)
{
    if (to.blob_size(d.digest)) return;
    if (auto size = from.blob_size(d.digest); size && *size != d.size)
        throw mismatch(d, whose);
    auto src = from.open_blob(d.digest);
    write_checked_blob(*src, d, to, whose);
}

}  // namespace lading
