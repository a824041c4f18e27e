#include "support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>

#include "common/image_name.hpp"
#include "common/temp_dir.hpp"

#ifndef LADING_BINARY
#error "LADING_BINARY must be defined (path of the lading executable)"
#endif

namespace lading::test {

namespace fs = std::filesystem;

const lading_cli& lading_cmd() {
    static const lading_cli cli{fs::path(LADING_BINARY)};
    if (!cli.exists())
        FAIL("lading binary not found or not executable: " << cli.binary().string()
                                                            << " (build the `lading` target first)");
    return cli;
}

const tree_fixture& shared_tree() {
    static std::unique_ptr<temp_dir> dir;
    static std::unique_ptr<tree_fixture> tree;
    if (!tree) {
        dir = std::make_unique<temp_dir>("lading-tree-");
        tree = std::make_unique<tree_fixture>(create_tree_fixture(dir->path() / "tree"));
    }
    return *tree;
}

void require_success(const process_result& r) {
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    REQUIRE_FALSE(r.timed_out);
}

std::vector<std::string> export_argv(const export_request& req) {
    std::vector<std::string> a{"export"};
    for (std::size_t i = 0; i < req.layers.size(); ++i) {
        if (i > 0) a.push_back("--layer");
        a.push_back(req.layers[i].string());
    }
    if (!req.platform.empty()) a.insert(a.end(), {"--platform", req.platform});
    for (const auto& o : req.outputs) a.insert(a.end(), {"--output", o});
    if (!req.store.empty()) a.insert(a.end(), {"--store", req.store.string()});
    if (!req.metadata_file.empty()) a.insert(a.end(), {"--metadata-file", req.metadata_file.string()});
    if (!req.progress.empty()) a.insert(a.end(), {"--progress", req.progress});
    a.insert(a.end(), req.extra_args.begin(), req.extra_args.end());
    return a;
}

process_result run_export(const export_request& req) { return lading_cmd().run(export_argv(req), req.env); }

export_metadata export_ok(const export_request& req) {
    REQUIRE_FALSE(req.metadata_file.empty());
    auto r = run_export(req);
    require_success(r);
    INFO(r.describe());
    try {
        return read_export_metadata(req.metadata_file);
    } catch (const std::exception& e) {
        FAIL("metadata file: " << e.what());
    }
    return {};
}

std::vector<image_listing_entry> list_images(const fs::path& store) {
    auto r = lading_cmd().run({"images", "--store", store.string()}, {}, std::chrono::minutes(1));
    require_success(r);
    INFO(r.describe());
    try {
        return parse_image_listing(r.out);
    } catch (const std::exception& e) {
        FAIL(e.what());
    }
    return {};
}

std::optional<image_listing_entry> find_listed(const std::vector<image_listing_entry>& list,
                                               const std::string& name) {
    for (const auto& e : list)
        if (same_image_name(e.name, name)) return e;
    return std::nullopt;
}

std::string describe_listing(const std::vector<image_listing_entry>& list) {
    std::string s = "lading images:\n";
    for (const auto& e : list) s += "  " + e.name + "\t" + e.digest + "\n";
    return s;
}

void make_small_tree(const fs::path& root, const std::string& flavour) {
    fs::create_directories(root / "etc");
    fs::create_directories(root / "usr/bin");
    std::ofstream(root / "etc/greeting") << "hello from the " << flavour << " tree\n";
    std::ofstream(root / "usr/bin/tool") << "#!/bin/sh\necho " << flavour << "\n";
    fs::permissions(root / "usr/bin/tool", fs::perms(0755));
    fs::create_symlink("../etc/greeting", root / "usr/greeting-link");
}

std::string expected_layer_media_type(const std::string& compression, bool oci) {
    if (oci) {
        if (compression == "gzip") return "application/vnd.oci.image.layer.v1.tar+gzip";
        if (compression == "zstd") return "application/vnd.oci.image.layer.v1.tar+zstd";
        return "application/vnd.oci.image.layer.v1.tar";
    }
    if (compression == "gzip") return "application/vnd.docker.image.rootfs.diff.tar.gzip";
    if (compression == "zstd") return "application/vnd.docker.image.rootfs.diff.tar.zstd";
    return "application/vnd.docker.image.rootfs.diff.tar";
}

std::string expected_manifest_media_type(bool oci) {
    return oci ? "application/vnd.oci.image.manifest.v1+json"
               : "application/vnd.docker.distribution.manifest.v2+json";
}

}  // namespace lading::test
