#include "imagetools/image_origin.hpp"
#include "imagetools/downloading_source.hpp"

#include <lading/error.hpp>
#include <lading/oci/reference.hpp>

#include <boost/json/parse.hpp>

namespace lading::imagetools {

namespace {

constexpr std::size_t json_limit = 4 << 20;

std::string document_media_type(const std::string& bytes, const std::string& fallback)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (!ec && v.is_object())
        if (auto* t = v.as_object().if_contains("mediaType"); t && t->is_string()) return std::string(t->get_string());
    return fallback;
}

bool same_name(const std::string& stored, const std::string& wanted)
{
    if (stored == wanted) return true;
    try {
        return parse_reference(stored).normalized() == parse_reference(wanted).normalized();
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

image_origin::image_origin(const std::string& host, const std::string& repository, registry::session_options options,
                           std::stop_token stop)
    : label_(host + "/" + repository), host_(host), repository_(repository), options_(options), stop_(stop),
      reader_(std::make_unique<registry::reader>(host, repository, std::move(options), std::move(stop)))
{
}

image_origin::image_origin(std::shared_ptr<plugin::store> store, std::string label)
    : label_(std::move(label)), store_(std::move(store))
{
}

registry::fetched_manifest image_origin::manifest(const std::string& reference)
{
    if (reader_) {
        auto m = reader_->manifest(reference);
        m.media_type = document_media_type(m.bytes, m.media_type);
        return m;
    }
    std::optional<descriptor> root;
    if (auto d = digest::parse(reference)) {
        if (auto size = store_->blob_size(*d)) root = descriptor{"", *d, *size, {}, std::nullopt, {}};
    } else {
        const auto listing = store_->list_names();
        for (const auto& n : listing.names)
            if (same_name(n.name, reference)) root = n.descriptor;
        if (!root)
            if (auto* bad = listing.unreadable_as([&](const std::string& n) { return same_name(n, reference); }))
                throw error("in " + label_ + ", " + bad->describe());
    }
    if (!root) throw error("no image \"" + reference + "\" in " + label_);
    if (root->size > json_limit) throw error("manifest " + root->digest.str() + " in " + label_ + " is larger than 4 MiB");
    auto bytes = store_->read_small_blob(root->digest, json_limit);
    if (digest::of(bytes) != root->digest)
        throw error("manifest " + root->digest.str() + " in " + label_ + " does not match its digest");
    auto media_type = document_media_type(bytes, root->media_type);
    return {std::move(bytes), std::move(media_type), root->digest};
}

std::string image_origin::small_blob(const descriptor& d)
{
    if (d.size > json_limit) throw error("blob " + d.digest.str() + " in " + label_ + " is larger than 4 MiB");
    std::string bytes;
    if (reader_)
        reader_->blob(d, [&](const std::uint8_t* p, std::size_t n) { bytes.append(reinterpret_cast<const char*>(p), n); });
    else
        bytes = store_->read_small_blob(d.digest, json_limit);
    if (bytes.size() != d.size || digest::of(bytes) != d.digest)
        throw error("blob " + d.digest.str() + " in " + label_ + " does not match its digest and size");
    return bytes;
}

std::unique_ptr<byte_source> image_origin::stream_blob(const descriptor& d) const
{
    if (!reader_) throw error("blob " + d.digest.str() + " is not in " + label_);
    return std::make_unique<downloading_source>([host = host_, repository = repository_, options = options_,
                                                 stop = stop_, d](const downloading_source::chunk_sink& sink) {
        // The reader checks size and digest before it returns.
        registry::reader(host, repository, options, stop).blob(d, sink);
    });
}

}  // namespace lading::imagetools
