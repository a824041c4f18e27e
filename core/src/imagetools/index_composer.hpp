// The index `lading imagetools create` writes, decided without I/O: which children, which
// annotations, and whether it is a Docker manifest list or an OCI index.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/oci/platform.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lading::imagetools {

// --annotation TYPE[[os/arch]]:KEY=VALUE; TYPE is index or manifest-descriptor, and a bare
// KEY=VALUE is for the index (as buildx reads it).
struct annotation_request {
    enum class target { index, manifest_descriptor };
    target where = target::index;
    std::optional<lading::platform> only;  // manifest-descriptor[os/arch]: children of that platform
    std::string key, value;
    std::string text;  // as given
};

// Throws usage_error naming what is wrong.
annotation_request parse_annotation_request(const std::string& text);

// One entry of the index: the descriptor as it will be written (fields lading does not model,
// such as platform.os.version, are kept) and what lading reads from it.
struct index_child {
    boost::json::object json;
    lading::descriptor descriptor;
};

index_child child_from_json(const boost::json::object& json);

struct composed_index {
    json_blob blob;
    std::vector<index_child> children;  // as written
    bool docker_list = false;
    std::vector<std::string> warnings;  // one line each, for the user
};

// Children in order, the same digest kept once; an OCI index unless every child is
// Docker-typed. `carried` are the annotations of an index appended to. Throws usage_error
// when an annotation cannot be written (a Docker list has no annotations; a platform that
// no child has).
composed_index compose_index(const std::vector<index_child>& children, const annotation_map& carried,
                             const std::vector<annotation_request>& annotations);

}  // namespace lading::imagetools
