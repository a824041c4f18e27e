// Manifests, indexes and image configs of a base image (--from), read the way lading reads
// them: descriptors, the platform pick of an index, diff_ids, and the derived config.
#include "fuzz_input.hpp"

#include "base/base_image.hpp"
#include <lading/oci/descriptor.hpp>
#include <lading/oci/digest.hpp>
#include <lading/oci/image_config.hpp>

#include <boost/json/parse.hpp>

namespace {

void read_manifest(const boost::json::object& doc)
{
    if (auto* c = doc.if_contains("config")) lading::descriptor::from_json(*c).to_json();
    if (auto* l = doc.if_contains("layers"); l && l->is_array())
        for (const auto& d : l->get_array()) lading::descriptor::from_json(d).to_json();
}

void read_config(const boost::json::object& doc)
{
    lading::base_image base;
    base.config = doc;
    if (auto* rootfs = doc.if_contains("rootfs"); rootfs && rootfs->is_object())
        if (auto* ids = rootfs->get_object().if_contains("diff_ids"); ids && ids->is_array())
            for (const auto& d : ids->get_array())
                base.diff_ids.push_back(
                    lading::digest::parse_or_throw(d.is_string() ? d.get_string().c_str() : "", "diff_id"));
    lading::image_settings settings;
    settings.env = {"PATH=/bin", "NEW=1"};
    settings.entrypoint = std::vector<std::string>{"/app"};
    settings.labels = {{"a", "b"}};
    lading::derive_image_config(base, settings, base.diff_ids, {{"layer", ""}}, 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    boost::system::error_code ec;
    auto value = boost::json::parse(lading::fuzz::as_text(data, size), ec);
    if (ec || !value.is_object()) return 0;
    const auto& doc = value.get_object();
    lading::fuzz::expect_clean_rejection([&] {
        lading::pick_platform(doc, lading::platform{"linux", "amd64", ""}, "index");
    });
    lading::fuzz::expect_clean_rejection([&] { read_manifest(doc); });
    lading::fuzz::expect_clean_rejection([&] { read_config(doc); });
    return 0;
}
