#include "imagetools/store_publisher.hpp"

#include "export/image_names.hpp"
#include "store/copy_blob.hpp"

#include <lading/error.hpp>

#include <boost/json/parse.hpp>

namespace lading::imagetools {

namespace {

void copy_blob(image_origin& origin, const descriptor& d, plugin::store& to)
{
    if (to.blob_size(d.digest)) return;
    auto source = origin.is_registry() ? origin.stream_blob(d) : origin.store()->open_blob(d.digest);
    write_checked_blob(*source, d, to, origin.label());
}

// The image below `d`, its blobs before the manifests that reference them.
void copy_image(image_origin& origin, const descriptor& d, plugin::store& to, int depth)
{
    if (to.blob_size(d.digest)) return;
    if (depth > 4) throw error("image index nesting is too deep at " + d.digest.str());
    auto m = origin.manifest(d.digest.str());
    boost::system::error_code ec;
    auto v = boost::json::parse(m.bytes, ec);
    if (ec || !v.is_object()) throw error("manifest " + d.digest.str() + " of " + origin.label() + " is not JSON");
    const auto& o = v.as_object();
    if (auto* list = o.if_contains("manifests"); list && list->is_array())
        for (const auto& child : list->as_array()) copy_image(origin, descriptor::from_json(child), to, depth + 1);
    if (auto* c = o.if_contains("config")) copy_blob(origin, descriptor::from_json(*c), to);
    if (auto* l = o.if_contains("layers"); l && l->is_array())
        for (const auto& layer : l->as_array()) copy_blob(origin, descriptor::from_json(layer), to);
    memory_source bytes(std::span(reinterpret_cast<const std::uint8_t*>(m.bytes.data()), m.bytes.size()));
    write_checked_blob(bytes, d, to, origin.label());
}

}  // namespace

void store_index(const composed_index& index, const std::map<digest, std::shared_ptr<image_origin>>& origin_of,
                 const std::vector<std::string>& names, plugin::store& store)
{
    for (const auto& child : index.children) {
        if (store.blob_size(child.descriptor.digest)) continue;
        auto origin = origin_of.find(child.descriptor.digest);
        if (origin == origin_of.end())
            throw error("image " + child.descriptor.digest.str() + " is not in " + store.location() +
                        " and lading knows no source for it; no name was written");
        copy_image(*origin->second, child.descriptor, store, 0);
    }
    const auto& blob = index.blob;
    memory_source bytes(std::span(reinterpret_cast<const std::uint8_t*>(blob.bytes.data()), blob.bytes.size()));
    if (!store.blob_size(blob.descriptor.digest)) write_checked_blob(bytes, blob.descriptor, store, "the new index");
    std::vector<plugin::stored_name> bindings;
    for (const auto& n : names) bindings.push_back({n, normalized_name(n), blob.descriptor});
    store.set_names(bindings);
}

}  // namespace lading::imagetools
