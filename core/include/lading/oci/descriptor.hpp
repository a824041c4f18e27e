// OCI content descriptors and the JSON blobs (configs, manifests) they point at.
#pragma once

#include <lading/oci/digest.hpp>
#include <lading/oci/platform.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace lading {

using annotation_map = std::map<std::string, std::string>;

struct descriptor {
    std::string media_type;
    lading::digest digest;
    std::uint64_t size = 0;
    annotation_map annotations;
    std::optional<lading::platform> platform;
    std::string artifact_type;

    boost::json::object to_json() const;
    // Validates every field it uses (digest syntax, size, media type); throws lading::error.
    static descriptor from_json(const boost::json::value& v);
};

// A JSON document together with its canonical bytes and the descriptor of those bytes.
struct json_blob {
    std::string bytes;
    lading::descriptor descriptor;
};

json_blob make_json_blob(std::string media_type, const boost::json::value& document);

}  // namespace lading
