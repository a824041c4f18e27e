// The document media types every part of lading asks about: indexes, image manifests and
// configs, in both the OCI and the Docker family.
#include <lading/oci/media_types.hpp>

#include <catch2/catch.hpp>

using namespace lading;

TEST_CASE("an index is OCI's image index or Docker's manifest list, and nothing else", "[media_types]")
{
    CHECK(media_types::is_index("application/vnd.oci.image.index.v1+json"));
    CHECK(media_types::is_index("application/vnd.docker.distribution.manifest.list.v2+json"));
    CHECK_FALSE(media_types::is_index("application/vnd.oci.image.manifest.v1+json"));
    CHECK_FALSE(media_types::is_index("application/vnd.oci.image.index.v1+json; charset=utf-8"));
    CHECK_FALSE(media_types::is_index(""));
}

TEST_CASE("a name points at an image manifest or an index; layers and configs are neither", "[media_types]")
{
    for (const char* t : {"application/vnd.oci.image.manifest.v1+json",
                          "application/vnd.docker.distribution.manifest.v2+json"}) {
        CHECK(media_types::is_image_manifest(t));
        CHECK(media_types::is_manifest_or_index(t));
    }
    CHECK(media_types::is_manifest_or_index("application/vnd.docker.distribution.manifest.list.v2+json"));
    for (const char* t : {"application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.config.v1+json",
                          "application/vnd.docker.distribution.manifest.v1+prettyjws", "application/json"}) {
        CHECK_FALSE(media_types::is_image_manifest(t));
        CHECK_FALSE(media_types::is_manifest_or_index(t));
    }
}

TEST_CASE("image configs of both families are configs; an artifact's empty config is not", "[media_types]")
{
    CHECK(media_types::is_image_config("application/vnd.oci.image.config.v1+json"));
    CHECK(media_types::is_image_config("application/vnd.docker.container.image.v1+json"));
    CHECK_FALSE(media_types::is_image_config("application/vnd.oci.empty.v1+json"));
}

TEST_CASE("Docker's schema 2 documents are Docker-typed; OCI's and schema 1 are not", "[media_types]")
{
    CHECK(media_types::is_docker_document("application/vnd.docker.distribution.manifest.v2+json"));
    CHECK(media_types::is_docker_document("application/vnd.docker.distribution.manifest.list.v2+json"));
    CHECK_FALSE(media_types::is_docker_document("application/vnd.oci.image.manifest.v1+json"));
    CHECK_FALSE(media_types::is_docker_document("application/vnd.docker.distribution.manifest.v1+prettyjws"));
}
