#include "variant_support.hpp"

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/random_data.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

namespace variant_test {

using namespace lading::test;

std::string export_original(const fs::path& work, const fs::path& store, const std::string& name,
                            std::uint64_t big_file_size, const std::string& extra_output)
{
    const auto small = work / ("small-" + std::to_string(big_file_size));
    const auto big = work / ("big-" + std::to_string(big_file_size));
    if (!fs::exists(small)) {
        make_small_tree(small);
        fs::create_directories(big / "data");
        write_random_file(big / "data" / "blob.bin", big_file_size, 7);
        write_bytes(big / "data" / "notes.txt", "a second layer\n");
    }
    lading::test::export_request req{
        .layers = {small, big},
        .outputs = {"type=image,name=" + name + ",compression=gzip," + extra_output},
        .store = store,
        .metadata_file = work / "meta.json",
    };
    req.env["SOURCE_DATE_EPOCH"] = "1700000000";
    return export_ok(req).digest;
}

process_result run_convert(const fs::path& store, std::vector<std::string> args)
{
    args.insert(args.begin(), "convert");
    args.insert(args.end(), {"--store", store.string()});
    return lading_cmd().run(args, {{"LADING_THREADS", "2"}});
}

std::string convert_ok(const fs::path& store, const std::string& source, const std::string& compression,
                       std::vector<std::string> extra)
{
    extra.insert(extra.begin(), {source, "--compression", compression});
    auto r = run_convert(store, extra);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    auto lines = split_lines(r.out);
    REQUIRE(lines.size() == 1);
    REQUIRE(lines[0].starts_with("sha256:"));
    return lines[0];
}

boost::json::object expected_subject(const fs::path& store, const std::string& digest)
{
    oci_layout layout(store);
    const auto bytes = layout.read_blob(digest);
    const auto document = parse_json(bytes, digest);
    return {{"mediaType", json_string(document, "mediaType")},
            {"digest", digest},
            {"size", static_cast<std::int64_t>(bytes.size())}};
}

std::vector<std::string> changed_entries(const store_snapshot& before, const store_snapshot& after)
{
    std::vector<std::string> out;
    for (const auto& [path, what] : before.entries()) {
        if (path == "index.json") continue;
        auto it = after.entries().find(path);
        if (it == after.entries().end()) out.push_back(path + " removed");
        else if (it->second != what) out.push_back(path + " changed");
    }
    return out;
}

fs::path umoci_unpack(const fs::path& layout, const std::string& name, const fs::path& bundle)
{
    auto r = run_process({"umoci", "unpack", "--rootless", "--image", layout.string() + ":" + name, bundle.string()});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    return bundle / "rootfs";
}

}  // namespace variant_test
