#include "export_metadata.hpp"

#include <stdexcept>

#include "json_file.hpp"
#include "printable_path.hpp"

namespace lading::test {

export_metadata read_export_metadata(const std::filesystem::path& file) {
    export_metadata m;
    m.raw = read_json_file(file);
    if (!m.raw.is_object()) throw std::runtime_error(printable(file) + ": metadata is not a JSON object");
    m.digest = json_string(m.raw, "containerimage.digest");
    m.config_digest = json_string(m.raw, "containerimage.config.digest");
    m.image_name = json_string(m.raw, "image.name");
    if (const auto* d = m.raw.as_object().if_contains("containerimage.descriptor"); d && d->is_object())
        m.descriptor = d->as_object();
    if (m.digest.rfind("sha256:", 0) != 0)
        throw std::runtime_error(printable(file) + ": no sha256 containerimage.digest in " +
                                 boost::json::serialize(m.raw));
    return m;
}

}  // namespace lading::test
