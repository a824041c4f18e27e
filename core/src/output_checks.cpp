#include <lading/annotations.hpp>
#include <lading/error.hpp>
#include <lading/output_checks.hpp>
#include <lading/plugin/compressor.hpp>
#include <lading/plugin/media_types.hpp>
#include <lading/plugin/store.hpp>
#include <lading/reference.hpp>

namespace lading {

namespace {

[[noreturn]] void fail(const std::string& message) { throw usage_error("invalid --output: " + message); }

void check_names(const output_spec& spec)
{
    for (const auto& name : spec.names) {
        try {
            parse_reference(name);
        } catch (const error& e) {
            fail(e.what());
        }
    }
    if (!spec.dangling_name_prefix.empty()) {
        try {
            parse_reference(spec.dangling_name_prefix + "@sha256:" + std::string(64, '0'));
        } catch (const error& e) {
            fail("dangling-name-prefix=" + spec.dangling_name_prefix + " is not a valid repository name");
        }
    }
}

void check_annotations(const output_spec& spec, const plugin::media_types& types)
{
    for (const auto& [full, value] : spec.annotations) {
        annotation_key k;
        try {
            k = parse_annotation_key(full);
        } catch (const error& e) {
            fail(e.what());
        }
        if (!k.platform.empty()) {
            try {
                platform::parse(k.platform);
            } catch (const error& e) {
                fail(std::string("annotation ") + full + ": " + e.what());
            }
        }
        if (!types.can(LADING_CAN_DESCRIPTOR_ANNOTATIONS) && k.type != "manifest")
            fail("cannot export annotations with \"oci-mediatypes=false\" (" + full + ")");
        if (!types.can(LADING_CAN_MANIFEST_ANNOTATIONS))
            fail("cannot export annotations with the " + types.name() + " media types (" + full + ")");
    }
}

}  // namespace

void check_output(const output_spec& spec, plugin::registry& plugins)
{
    check_names(spec);

    if (spec.compression == "estargz" && !spec.oci_mediatypes)
        fail("exporter option \"compression=estargz\" conflicts with \"oci-mediatypes=false\"");
    const auto* codec_plugin = plugins.find(LADING_KIND_COMPRESSOR, spec.compression);
    if (!codec_plugin) {
        std::string list;
        for (const auto& n : plugins.names(LADING_KIND_COMPRESSOR)) list += (list.empty() ? "" : ", ") + n;
        fail("unsupported compression type \"" + spec.compression + "\" (available: " + list + ")");
    }
    plugin::compressor codec(*codec_plugin);
    if (spec.compression_level) codec.check_level(*spec.compression_level);

    plugin::media_types types(plugins.get(LADING_KIND_MEDIATYPE, spec.media_type_family()));
    if (spec.compression == "estargz" && !spec.oci_mediatypes)
        fail("exporter option \"compression=estargz\" conflicts with \"oci-mediatypes=false\"");
    if (spec.oci_artifact.value_or(false) && !spec.oci_mediatypes)
        fail("exporter option \"oci-artifact=true\" conflicts with \"oci-mediatypes=false\"");
    if (spec.unpack && !spec.store)
        fail("unpack=true needs the image in a store, but store=false keeps it out; drop one of them");
    if (spec.unpack && spec.names.empty() && spec.dangling_name_prefix.empty())
        fail("unpack=true unpacks a named image; add name=... (or dangling-name-prefix=...)");
    types.of(LADING_OBJECT_LAYER, codec.media_suffix());
    check_annotations(spec, types);

    if (spec.push && spec.push_by_digest)
        for (const auto& name : spec.names) {
            auto ref = parse_reference(name);
            if (!ref.tag.empty() || !ref.digest.empty())
                fail("can't push tagged ref " + ref.normalized() + " by digest (push-by-digest=true takes names without a tag)");
        }
    if (spec.store) {
        const auto& backend = plugins.get(LADING_KIND_STORE, spec.store_backend);
        if (spec.unpack && !plugin::features_of(backend).unpack)
            fail("unpack=true: the " + spec.store_backend + " store cannot unpack images (its plugin has no unpack entry)");
    }
}

export_request with_attestation_defaults(const export_request& request, plugin::registry& plugins)
{
    if (request.attestations.empty()) return request;
    export_request resolved = request;
    for (auto& spec : resolved.outputs) {
        if (!spec.oci_mediatypes_explicit) spec.oci_mediatypes = true;
        if (!spec.oci_mediatypes)
            fail("cannot export attestations with \"oci-mediatypes=false\"; drop oci-mediatypes=false or the --attest flags");
        plugin::media_types types(plugins.get(LADING_KIND_MEDIATYPE, spec.media_type_family()));
        if (!types.can(LADING_CAN_ATTESTATIONS))
            fail("cannot export attestations with the " + types.name() + " media types");
        if (spec.oci_artifact.value_or(false) && !types.can(LADING_CAN_ARTIFACTS))
            fail("oci-artifact=true: the " + types.name() + " media types cannot express artifacts");
    }
    return resolved;
}

}  // namespace lading
