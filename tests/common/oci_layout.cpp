#include "oci_layout.hpp"

#include <stdexcept>

#include "json_file.hpp"
#include "sha256.hpp"

namespace lading::test {

namespace fs = std::filesystem;

oci_layout::oci_layout(fs::path dir) : dir_(std::move(dir)) {}

boost::json::value oci_layout::index() const { return read_json_file(dir_ / "index.json"); }

std::vector<boost::json::object> oci_layout::entries() const {
    std::vector<boost::json::object> out;
    auto idx = index();
    if (!idx.is_object()) throw std::runtime_error("index.json is not an object");
    const auto* m = idx.as_object().if_contains("manifests");
    if (!m || !m->is_array()) throw std::runtime_error("index.json has no manifests array");
    for (const auto& e : m->as_array())
        if (e.is_object()) out.push_back(e.as_object());
    return out;
}

std::optional<boost::json::object> oci_layout::find_entry(const std::string& name) const {
    for (auto& e : entries()) {
        const auto* a = e.if_contains("annotations");
        if (!a || !a->is_object()) continue;
        const auto* r = a->as_object().if_contains(ref_name_annotation);
        if (r && r->is_string() && r->as_string() == name) return e;
    }
    return std::nullopt;
}

std::vector<std::string> oci_layout::names() const {
    std::vector<std::string> out;
    for (auto& e : entries()) {
        const auto* a = e.if_contains("annotations");
        if (!a || !a->is_object()) continue;
        const auto* r = a->as_object().if_contains(ref_name_annotation);
        if (r && r->is_string()) out.emplace_back(r->as_string());
    }
    return out;
}

fs::path oci_layout::blob_path(const std::string& digest) const {
    auto colon = digest.find(':');
    if (colon == std::string::npos) throw std::runtime_error("not a digest: " + digest);
    return dir_ / "blobs" / digest.substr(0, colon) / digest.substr(colon + 1);
}

std::string oci_layout::read_blob(const std::string& digest) const {
    if (digest.rfind("sha256:", 0) != 0) throw std::runtime_error("not a sha256 digest: " + digest);
    std::string bytes = read_text_file(blob_path(digest));
    std::string actual = "sha256:" + sha256_hex(bytes);
    if (actual != digest)
        throw std::runtime_error("blob " + digest + " has content with digest " + actual);
    return bytes;
}

boost::json::value oci_layout::read_json_blob(const std::string& digest) const {
    return parse_json(read_blob(digest), "blob " + digest);
}

std::string chain_id(const std::vector<std::string>& diff_ids) {
    std::string chain;
    for (const auto& d : diff_ids) chain = chain.empty() ? d : "sha256:" + sha256_hex(chain + " " + d);
    return chain;
}

}  // namespace lading::test
