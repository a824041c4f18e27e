#include "output_checks.hpp"

#include "export/annotations.hpp"
#include <lading/error.hpp>
#include <lading/oci/reference.hpp>

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

void check_annotations(const output_spec& spec, const media_type_facts& types)
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
            fail("cannot export annotations with the " + types.name + " media types (" + full + ")");
    }
}

}  // namespace

void check_output(const output_spec& spec, const plugin_facts& plugins)
{
    check_names(spec);

    if (spec.compression == "estargz" && !spec.oci_mediatypes)
        fail("exporter option \"compression=estargz\" conflicts with \"oci-mediatypes=false\"");
    const auto* codec = plugins.find_compressor(spec.compression);
    if (!codec) {
        std::string list;
        for (const auto& n : plugins.compressor_names) list += (list.empty() ? "" : ", ") + n;
        fail("unsupported compression type \"" + spec.compression + "\" (available: " + list + ")");
    }
    if (spec.compression_level) codec->check_level(*spec.compression_level);
    codec->check_starts(spec.compression_level.value_or(codec->level_default));

    const auto& types = plugins.media_type(spec.media_type_family());
    if (spec.compression == "estargz" && !spec.oci_mediatypes)
        fail("exporter option \"compression=estargz\" conflicts with \"oci-mediatypes=false\"");
    if (spec.oci_artifact.value_or(false) && !spec.oci_mediatypes)
        fail("exporter option \"oci-artifact=true\" conflicts with \"oci-mediatypes=false\"");
    if (spec.unpack && !spec.store)
        fail("unpack=true needs the image in a store, but store=false keeps it out; drop one of them");
    if (spec.unpack && spec.names.empty() && spec.dangling_name_prefix.empty())
        fail("unpack=true unpacks a named image; add name=... (or dangling-name-prefix=...)");
    types.layer_type(codec->media_suffix);
    check_annotations(spec, types);

    if (spec.push && spec.names.empty() && spec.dangling_name_prefix.empty())
        fail("tag is needed when pushing to registry; add name=... (or dangling-name-prefix=...)");
    if (spec.push && spec.push_by_digest)
        for (const auto& name : spec.names) {
            auto ref = parse_reference(name);
            if (!ref.tag.empty() || !ref.digest.empty())
                fail("can't push tagged ref " + ref.normalized() + " by digest (push-by-digest=true takes names without a tag)");
        }
    if (spec.store) {
        plugins.require_store(spec.store_backend);
        if (spec.unpack && plugins.store_cannot_unpack(spec.store_backend))
            fail("unpack=true: the " + spec.store_backend + " store cannot unpack images (its plugin has no unpack entry)");
    }
}

export_request with_attestation_defaults(const export_request& request, const plugin_facts& plugins)
{
    if (request.attestations.empty()) return request;
    export_request resolved = request;
    for (auto& spec : resolved.outputs) {
        if (!spec.oci_mediatypes)
            fail("cannot export attestations with \"oci-mediatypes=false\"; drop oci-mediatypes=false or the --attest flags");
        const auto& types = plugins.media_type(spec.media_type_family());
        if (!types.can(LADING_CAN_ATTESTATIONS))
            fail("cannot export attestations with the " + types.name + " media types");
        if (spec.oci_artifact.value_or(false) && !types.can(LADING_CAN_ARTIFACTS))
            fail("oci-artifact=true: the " + types.name + " media types cannot express artifacts");
    }
    return resolved;
}

}  // namespace lading
