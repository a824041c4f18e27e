// The documents of a variant: a config where a diffID changed, one OCI manifest per source
// manifest and one OCI index per source index, each with `subject` = the document it was
// made from. Everything else in a source document (annotations, platforms in index
// entries, unknown fields) is carried over as it is.
#pragma once

#include "convert/source_image.hpp"
#include "layer/conversion_cache.hpp"
#include "plugin/media_types.hpp"

#include <map>

namespace lading::plugin {
class store;
}

namespace lading::convert {

// Writes the documents of `source`'s variant into `store` (a document already there is not
// written again) and returns the root's descriptor. `converted` maps the source digest of
// every re-encoded layer to its conversion; other layers keep their blobs.
descriptor write_variant_documents(plugin::store& store, const plugin::media_types& oci, const source_node& source,
                                   const std::map<digest, layer::converted_layer>& converted);

}  // namespace lading::convert
