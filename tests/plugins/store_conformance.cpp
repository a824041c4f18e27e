// Conformance of the oci-layout store plugin to the lading_store_v1 contract, appended
// entries included: the .so is loaded the way the host loads it and driven only through
// its C table. The first-table plugin (tests/plugins/outside-author) stands for a plugin
// built before the appended entries.
#include <lading/plugin/abi.h>

#include "common/temp_dir.hpp"

#include <boost/dll/shared_library.hpp>
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using lading::test::temp_dir;

const lading_plugin_header& load_header(const fs::path& file)
{
    static std::vector<std::unique_ptr<boost::dll::shared_library>> kept;  // never unloaded, as in the host
    kept.push_back(std::make_unique<boost::dll::shared_library>(file.string(), boost::dll::load_mode::default_mode));
    auto& entry = kept.back()->get_alias<const lading_plugin_header*()>(LADING_PLUGIN_ENTRY_SYMBOL);
    return *entry();
}

const lading_store_v1& oci_layout_table()
{
    static const auto& header = load_header(fs::path(LADING_TEST_PLUGIN_DIR) / "liblading-store-oci-layout.so");
    return reinterpret_cast<const lading_store_v1&>(header);
}

using store_handle = std::unique_ptr<lading_store, void (*)(lading_store*)>;

store_handle open_store(const fs::path& dir, bool read_only = false)
{
    const auto& t = oci_layout_table();
    char error[512] = "";
    lading_store* s = (read_only ? t.open_read_only : t.open)(dir.c_str(), error, sizeof error);
    if (!s) FAIL("open " << dir << ": " << error);
    return store_handle(s, t.close);
}

std::string last_error(lading_store* s) { return oci_layout_table().last_error(s); }

// metadata_get: {status, value}.
std::pair<int, std::string> get_record(lading_store* s, const std::string& key)
{
    std::string value;
    int calls = 0;
    struct sink {
        std::string* value;
        int* calls;
    } out{&value, &calls};
    int r = oci_layout_table().metadata_get(
        s, key.c_str(),
        [](void* user, const uint8_t* data, size_t len) {
            auto* o = static_cast<sink*>(user);
            o->value->assign(reinterpret_cast<const char*>(data), len);
            ++*o->calls;
        },
        &out);
    CHECK(calls == (r == LADING_OK ? 1 : 0));
    return {r, value};
}

int put_record(lading_store* s, const std::string& key, const std::string& value)
{
    return oci_layout_table().metadata_put(s, key.c_str(), reinterpret_cast<const uint8_t*>(value.data()),
                                           value.size());
}

std::string file_text(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text(const fs::path& p, const std::string& text)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// A host whose directory unpacker records what the store asked for and answers `answer`.
struct recording_host {
    int answer = LADING_OK;
    std::vector<std::pair<std::string, std::string>> asked;  // {area, rootfs}

    static int unpack_into_directory(void* context, const char* area, const char* rootfs)
    {
        auto* h = static_cast<recording_host*>(context);
        h->asked.emplace_back(area, rootfs);
        return h->answer;
    }
};

struct unpack_call {
    int status;
    std::string where;
};

unpack_call call_unpack(lading_store* s, const std::string& manifest_digest, recording_host& host,
                        std::uint32_t host_size = sizeof(lading_unpack_host))
{
    const std::string manifest = R"({"digest":")" + manifest_digest +
                                 R"(","mediaType":"application/vnd.oci.image.manifest.v1+json","size":100})";
    const std::string layer = R"({"digest":"sha256:)" + std::string(64, 'b') +
                              R"(","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":10})";
    const std::string diff_id = "sha256:" + std::string(64, 'c');
    const lading_unpack_layer layers[] = {{layer.c_str(), diff_id.c_str()}};
    const lading_unpack_host lent{host_size, &host, &recording_host::unpack_into_directory};
    const lading_unpack_request request{sizeof(lading_unpack_request), manifest.c_str(), "linux/amd64", layers, 1, &lent};
    const char* where = nullptr;
    int r = oci_layout_table().unpack(s, &request, &where);
    return {r, r == LADING_ERROR || !where ? std::string() : std::string(where)};
}

const std::string hex_a(64, 'a');

}  // namespace

TEST_CASE("the oci-layout store exports a full lading_store_v1 table", "[plugins][store]")
{
    const auto& t = oci_layout_table();
    CHECK(t.header.abi_version == LADING_PLUGIN_ABI_VERSION);
    CHECK(t.header.kind == LADING_KIND_STORE);
    CHECK(t.header.struct_size == sizeof(lading_store_v1));
    CHECK(std::string(t.header.name) == "oci-layout");
    CHECK(t.open_read_only);
    CHECK(t.list_contents);
    CHECK(t.metadata_get);
    CHECK(t.metadata_put);
    CHECK(t.local_root);
    CHECK(t.unpack);
    CHECK_FALSE(t.blob_source);  // a layout keeps no provenance
    CHECK(t.open_scratch);
    CHECK(t.metadata_list);
    CHECK(t.metadata_remove);
}

TEST_CASE("a scratch oci-layout store (a spool) keeps blobs like any other, without flushing them", "[plugins][store]")
{
    const auto& t = oci_layout_table();
    temp_dir dir;
    const fs::path root = dir / "spool";
    char error[512] = "";
    store_handle s(t.open_scratch(root.c_str(), error, sizeof error), t.close);
    REQUIRE(s);
    CHECK(fs::is_regular_file(root / "oci-layout"));

    const std::string digest = "sha256:f803ecaf782a68ab35fd4c17b97629fc14d3c1e4a2d8af8580fceb6b7ab24264";  // of "spool\n"
    const std::string bytes = "spool\n";
    auto* w = t.blob_begin(s.get());
    REQUIRE(w);
    CHECK(t.blob_write(w, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == LADING_OK);
    CHECK(t.blob_commit(w, digest.c_str()) == LADING_OK);
    std::uint64_t size = 0;
    CHECK(t.blob_exists(s.get(), digest.c_str(), &size) == 1);
    CHECK(size == bytes.size());
    CHECK(file_text(root / "blobs" / "sha256" / digest.substr(7)) == bytes);
    CHECK(fs::is_empty(root / ".lading-tmp"));

    // The same directory opened as a store afterwards reads it: only the flushes differ.
    auto again = open_store(root, true);
    CHECK(t.blob_exists(again.get(), digest.c_str(), &size) == 1);
}

TEST_CASE("the containerd store's table: no local root, its own unpack, blob provenance", "[plugins][store]")
{
    const auto file = fs::path(LADING_TEST_PLUGIN_DIR) / "liblading-store-containerd.so";
    if (!fs::exists(file)) {
        WARN("the containerd store plugin is not built (no gRPC or containerd protos): nothing to check");
        return;
    }
    const auto& t = reinterpret_cast<const lading_store_v1&>(load_header(file));
    CHECK(t.header.abi_version == LADING_PLUGIN_ABI_VERSION);
    CHECK(t.header.kind == LADING_KIND_STORE);
    CHECK(t.header.struct_size == sizeof(lading_store_v1));
    CHECK(std::string(t.header.name) == "containerd");
    CHECK(t.open_read_only);
    CHECK_FALSE(t.local_root);  // the host then opens it at --store or its own default
    CHECK(t.unpack);
    CHECK(t.blob_source);
    char error[256] = {};
    CHECK(t.open("/nonexistent/containerd.sock", error, sizeof error) == nullptr);
    CHECK(std::string(error).find("no containerd socket at /nonexistent/containerd.sock") != std::string::npos);
}

TEST_CASE("a plugin built with the first store table declares the first size", "[plugins][store]")
{
    const auto& header = load_header(fs::path(LADING_OUTSIDE_PLUGIN_DIR) / "liblading-store-first-table.so");
    CHECK(header.kind == LADING_KIND_STORE);
    CHECK(header.struct_size == offsetof(lading_store_v1, open_read_only));
    CHECK(header.struct_size < sizeof(lading_store_v1));
}

TEST_CASE("store records: get, put, replace, and the files the oci-layout store keeps them in",
          "[plugins][store][metadata]")
{
    temp_dir dir;
    const auto root = dir / "store";
    auto store = open_store(root);
    const std::string key = "conversions/sha256/" + hex_a + "/zstd";
    const auto file = root / "conversions" / "sha256" / hex_a / "zstd.json";

    CHECK(get_record(store.get(), key).first == LADING_NOT_FOUND);
    REQUIRE(put_record(store.get(), key, R"({"first":1})") == LADING_OK);
    CHECK(get_record(store.get(), key) == std::pair<int, std::string>(LADING_OK, R"({"first":1})"));
    CHECK(file_text(file) == R"({"first":1})");

    // Binary values, an empty one included, come back byte for byte.
    const std::string binary("\0\x01\xff{", 4);
    REQUIRE(put_record(store.get(), key, binary) == LADING_OK);
    CHECK(get_record(store.get(), key).second == binary);
    REQUIRE(put_record(store.get(), "conversions/sha256/" + hex_a + "/gzip", "") == LADING_OK);
    CHECK(get_record(store.get(), "conversions/sha256/" + hex_a + "/gzip") == std::pair<int, std::string>(LADING_OK, ""));

    // Nothing of the writes is left behind in the store's temporaries.
    CHECK(fs::is_empty(root / ".lading-tmp"));

    SECTION("a record written before records went through the plugin is found as it is")
    {
        const auto old_key = "conversions/sha256/" + std::string(64, 'd') + "/estargz";
        const std::string old_record =
            R"({"annotations":{},"diff_id":"sha256:)" + std::string(64, 'e') + R"(","digest":"sha256:)" +
            std::string(64, 'f') + R"(","media_suffix":"gzip","size":42})";
        write_text(root / "conversions" / "sha256" / std::string(64, 'd') / "estargz.json", old_record);
        CHECK(get_record(store.get(), old_key) == std::pair<int, std::string>(LADING_OK, old_record));
    }
    SECTION("a read-only handle reads records and refuses to write them")
    {
        auto reader = open_store(root, true);
        CHECK(get_record(reader.get(), key).first == LADING_OK);
        CHECK(put_record(reader.get(), key, "x") == LADING_ERROR);
        CHECK(last_error(reader.get()).find("reading only") != std::string::npos);
        CHECK(get_record(store.get(), key).second == binary);
    }
    SECTION("keys outside the ABI's alphabet, or reaching the layout's own files, are refused")
    {
        for (const std::string& bad : std::vector<std::string>{"", "single", "a//b", "a/", "/a/b", "../a/b", "a/../b", "a/.hidden", "a/b c",
                                      "a/b\\c", "blobs/sha256/x", "unpacked/sha256/x", std::string(1100, 'k') + "/x"}) {
            INFO("key \"" << bad << "\"");
            CHECK(put_record(store.get(), bad, "x") == LADING_ERROR);
            CHECK(get_record(store.get(), bad).first == LADING_ERROR);
        }
        CHECK_FALSE(fs::exists(root / "single.json"));
        CHECK_FALSE(fs::exists(root / "blobs" / "sha256" / "x.json"));
        CHECK(file_text(root / "index.json").find("manifests") != std::string::npos);
    }
    SECTION("a symbolic link inside the store is not followed")
    {
        fs::create_directories(dir / "elsewhere");
        fs::create_directory_symlink(dir / "elsewhere", root / "linked");
        CHECK(put_record(store.get(), "linked/x", "x") == LADING_ERROR);
        CHECK(fs::is_empty(dir / "elsewhere"));
        write_text(dir / "elsewhere" / "y.json", "outside");
        CHECK(get_record(store.get(), "linked/y").first != LADING_OK);
    }
}

namespace {

// metadata_list: {status, key -> value ("<unreadable>" for a record visited without one)}.
std::pair<int, std::map<std::string, std::string>> list_records(lading_store* s, const std::string& prefix)
{
    std::map<std::string, std::string> records;
    int r = oci_layout_table().metadata_list(
        s, prefix.c_str(),
        [](void* user, const char* key, const uint8_t* value, size_t len) {
            auto& out = *static_cast<std::map<std::string, std::string>*>(user);
            out[key] = value ? std::string(reinterpret_cast<const char*>(value), len) : "<unreadable>";
        },
        &records);
    return {r, records};
}

}  // namespace

TEST_CASE("store records are listed by key prefix, an unreadable one without its value", "[plugins][store][metadata]")
{
    temp_dir dir;
    const auto root = dir / "store";
    auto store = open_store(root);
    using listing = std::map<std::string, std::string>;
    CHECK(list_records(store.get(), "conversions/") == std::pair<int, listing>(LADING_OK, {}));

    const std::string zstd_key = "conversions/sha256/" + hex_a + "/zstd";
    const std::string gzip_key = "conversions/sha256/" + hex_a + "/gzip";
    const std::string hint_key = "push-hints/sha256/" + hex_a;
    REQUIRE(put_record(store.get(), zstd_key, "one") == LADING_OK);
    REQUIRE(put_record(store.get(), gzip_key, "") == LADING_OK);
    REQUIRE(put_record(store.get(), hint_key, "three") == LADING_OK);

    CHECK(list_records(store.get(), "conversions/") ==
          std::pair<int, listing>(LADING_OK, {{gzip_key, ""}, {zstd_key, "one"}}));
    CHECK(list_records(store.get(), "push-hints/") == std::pair<int, listing>(LADING_OK, {{hint_key, "three"}}));
    CHECK(list_records(store.get(), "conversions/sha256/" + hex_a + "/") ==
          std::pair<int, listing>(LADING_OK, {{gzip_key, ""}, {zstd_key, "one"}}));

    // Hidden files are not records; a record file that is a link is listed, unreadable.
    write_text(root / "conversions" / "sha256" / hex_a / ".zstd.json.tmp", "half");
    write_text(dir / "elsewhere.json", "outside");
    fs::create_symlink(dir / "elsewhere.json", root / "conversions" / "sha256" / hex_a / "estargz.json");
    CHECK(list_records(store.get(), "conversions/") ==
          std::pair<int, listing>(LADING_OK, {{"conversions/sha256/" + hex_a + "/estargz", "<unreadable>"},
                                              {gzip_key, ""},
                                              {zstd_key, "one"}}));

    // A read-only handle lists too; a prefix that is no key prefix is refused.
    auto reader = open_store(root, true);
    CHECK(list_records(reader.get(), "push-hints/").second.size() == 1);
    CHECK(list_records(store.get(), "conversions").first == LADING_ERROR);
    CHECK(list_records(store.get(), "../").first == LADING_ERROR);
    CHECK(list_records(store.get(), "blobs/").first == LADING_ERROR);
}

TEST_CASE("store records are removed by key; nothing else is", "[plugins][store][metadata]")
{
    temp_dir dir;
    const auto root = dir / "store";
    auto store = open_store(root);
    const auto& t = oci_layout_table();
    const std::string key = "push-hints/sha256/" + hex_a;
    const std::string other = "push-hints/sha256/" + std::string(64, 'b');
    REQUIRE(put_record(store.get(), key, "one") == LADING_OK);
    REQUIRE(put_record(store.get(), other, "two") == LADING_OK);

    CHECK(t.metadata_remove(store.get(), key.c_str()) == LADING_OK);
    CHECK(get_record(store.get(), key).first == LADING_NOT_FOUND);
    CHECK(get_record(store.get(), other) == std::pair<int, std::string>(LADING_OK, "two"));
    CHECK(t.metadata_remove(store.get(), key.c_str()) == LADING_NOT_FOUND);
    CHECK(t.metadata_remove(store.get(), "push-hints/never/written") == LADING_NOT_FOUND);

    SECTION("a record file that is a link: the link goes, what it points at stays")
    {
        write_text(dir / "elsewhere.json", "outside");
        fs::create_symlink(dir / "elsewhere.json", root / "push-hints" / "sha256" / (hex_a + ".json"));
        CHECK(t.metadata_remove(store.get(), key.c_str()) == LADING_OK);
        CHECK_FALSE(fs::is_symlink(root / "push-hints" / "sha256" / (hex_a + ".json")));
        CHECK(file_text(dir / "elsewhere.json") == "outside");
    }
    SECTION("a directory linked in above the record is not followed")
    {
        fs::create_directories(dir / "elsewhere");
        write_text(dir / "elsewhere" / "x.json", "outside");
        fs::create_directory_symlink(dir / "elsewhere", root / "linked");
        CHECK(t.metadata_remove(store.get(), "linked/x") != LADING_OK);
        CHECK(fs::exists(dir / "elsewhere" / "x.json"));
    }
    SECTION("bad keys, the layout's own files and read-only handles are refused")
    {
        for (const std::string& bad :
             std::vector<std::string>{"", "single", "a/../b", "blobs/sha256/x", "unpacked/sha256/x"}) {
            INFO("key \"" << bad << "\"");
            CHECK(t.metadata_remove(store.get(), bad.c_str()) == LADING_ERROR);
        }
        CHECK(file_text(root / "index.json").find("manifests") != std::string::npos);
        auto reader = open_store(root, true);
        CHECK(t.metadata_remove(reader.get(), other.c_str()) == LADING_ERROR);
        CHECK(last_error(reader.get()).find("reading only") != std::string::npos);
        CHECK(get_record(store.get(), other).first == LADING_OK);
    }
}

TEST_CASE("the oci-layout store's local root is its directory", "[plugins][store]")
{
    temp_dir dir;
    auto store = open_store(dir / "store");
    CHECK(fs::path(oci_layout_table().local_root(store.get())) == fs::absolute(dir / "store"));
    auto reader = open_store(dir / "store", true);
    CHECK(fs::path(oci_layout_table().local_root(reader.get())) == fs::absolute(dir / "store"));
}

TEST_CASE("the oci-layout store unpacks through the host into unpacked/sha256/<hex>/rootfs",
          "[plugins][store][unpack]")
{
    temp_dir dir;
    const auto root = fs::absolute(dir / "store");
    auto store = open_store(root);
    const auto expected_where = (root / "unpacked" / "sha256" / hex_a / "rootfs").string();
    recording_host host;

    SECTION("the host builds the tree where the store says, and the store passes its answer on")
    {
        auto done = call_unpack(store.get(), "sha256:" + hex_a, host);
        CHECK(done.status == LADING_OK);
        CHECK(done.where == expected_where);
        REQUIRE(host.asked.size() == 1);
        CHECK(host.asked[0] == std::pair<std::string, std::string>("unpacked", "sha256/" + hex_a + "/rootfs"));

        host.answer = LADING_DONE;
        auto again = call_unpack(store.get(), "sha256:" + hex_a, host);
        CHECK(again.status == LADING_DONE);
        CHECK(again.where == expected_where);
    }
    SECTION("a failure of the host is the store's failure")
    {
        host.answer = LADING_ERROR;
        CHECK(call_unpack(store.get(), "sha256:" + hex_a, host).status == LADING_ERROR);
        CHECK(host.asked.size() == 1);
    }
    SECTION("a manifest digest that is not sha256 never reaches the host")
    {
        for (const std::string& bad : std::vector<std::string>{"sha256:../../x", "sha512:" + hex_a, "sha256:" + std::string(64, 'A')}) {
            CHECK(call_unpack(store.get(), bad, host).status == LADING_ERROR);
        }
        CHECK(host.asked.empty());
    }
    SECTION("a host structure too short to hold the directory unpacker is refused")
    {
        CHECK(call_unpack(store.get(), "sha256:" + hex_a, host, offsetof(lading_unpack_host, unpack_into_directory))
                  .status == LADING_ERROR);
        CHECK(host.asked.empty());
    }
    SECTION("a read-only handle refuses to unpack")
    {
        auto reader = open_store(root, true);
        CHECK(call_unpack(reader.get(), "sha256:" + hex_a, host).status == LADING_ERROR);
        CHECK(host.asked.empty());
    }
}

namespace {

// list_names as {name, descriptor JSON} pairs, in the store's order.
std::vector<std::pair<std::string, std::string>> listed_names(lading_store* s)
{
    std::vector<std::pair<std::string, std::string>> out;
    REQUIRE(oci_layout_table().list_names(
                s, [](void* user, const char* name, const char* json) {
                    static_cast<std::vector<std::pair<std::string, std::string>>*>(user)->emplace_back(name, json);
                },
                &out) == LADING_OK);
    return out;
}

std::vector<std::string> unreadable_names(lading_store* s)
{
    std::vector<std::string> out;
    REQUIRE(oci_layout_table().list_unreadable_names);
    REQUIRE(oci_layout_table().list_unreadable_names(
                s, [](void* user, const char* text) { static_cast<std::vector<std::string>*>(user)->push_back(text); },
                &out) == LADING_OK);
    return out;
}

}  // namespace

TEST_CASE("index.json entries the store cannot name are listed apart, and set_names keeps their bytes",
          "[plugins][store][index-entries]")
{
    temp_dir dir;
    const auto root = dir / "store";
    auto store = open_store(root);
    const std::string manifest_type = R"("mediaType":"application/vnd.oci.image.manifest.v1+json")";
    const std::string named = "{" + manifest_type + R"(,"digest":"sha256:)" + hex_a +
                              R"(","size":10,"annotations":{"org.opencontainers.image.ref.name":"app:1"}})";
    const std::string bad_digest = "{" + manifest_type +
                                   R"(,"digest":"sha256:nothex","annotations":{"org.opencontainers.image.ref.name":"app:2"}})";
    const std::string numeric_name = "{" + manifest_type + R"(,"digest":"sha256:)" + hex_a +
                                     R"(","size":10,"annotations":{"org.opencontainers.image.ref.name":7}})";
    const std::string not_an_object = R"("written by another tool")";
    // Numbers, escapes and spacing a parse and serialize round trip would all change.
    const std::string foreign = R"({ "mediaType" : "application/vnd.oci.image.manifest.v1+json", "digest":"sha256:)" +
                                hex_a + R"(", "size":1.0e1, "annotations":{"x.note":"caf\u00e9"}, "x-big":123456789012345678901234567890 })";
    const std::string annotations_list = "{" + manifest_type + R"(,"digest":"sha256:)" + hex_a +
                                         R"(","size":10,"annotations":["app:3"]})";
    const std::string head = R"({"schemaVersion":2,  "manifests":[ )";
    const std::string tail = R"( ], "annotations":{"top":"kept", "n":0.10} })";
    write_text(root / "index.json", head + named + ",\n" + bad_digest + "," + numeric_name + "," + not_an_object + "," +
                                        foreign + "," + annotations_list + tail);

    SECTION("list_names passes every named entry on as it is stored; the host judges the descriptor")
    {
        auto names = listed_names(store.get());
        REQUIRE(names.size() == 2);
        CHECK(names[0].first == "app:1");
        CHECK(names[1].first == "app:2");
        CHECK(names[1].second.find("sha256:nothex") != std::string::npos);
    }
    SECTION("the entries it cannot read a name from are one line each, for a reader too")
    {
        const std::vector<std::string> expected{
            "index.json manifests[2] has an org.opencontainers.image.ref.name that is not a string",
            "index.json manifests[3] is not a JSON object",
            "index.json manifests[5] has annotations that are not an object",
        };
        CHECK(unreadable_names(store.get()) == expected);
        auto reader = open_store(root, true);
        CHECK(unreadable_names(reader.get()) == expected);
    }
    SECTION("naming rewrites only the entries of the names it binds")
    {
        const std::string descriptor = "{" + manifest_type + R"(,"digest":"sha256:)" + std::string(64, 'b') + R"(","size":5})";
        const lading_store_name bindings[] = {{"app:1", "docker.io/library/app:1", descriptor.c_str()},
                                              {"app:9", "docker.io/library/app:9", descriptor.c_str()}};
        REQUIRE(oci_layout_table().set_names(store.get(), bindings, 2) == LADING_OK);
        const auto text = file_text(root / "index.json");
        INFO(text);
        CHECK(text.starts_with(head.substr(0, head.size() - 1)));
        CHECK(text.ends_with(tail.substr(1)));
        for (const auto& kept : {bad_digest, numeric_name, not_an_object, foreign, annotations_list})
            CHECK(text.find(kept) != std::string::npos);
        CHECK(text.find(named) == std::string::npos);
        auto names = listed_names(store.get());
        REQUIRE(names.size() == 3);
        CHECK(names[0].first == "app:2");
        CHECK(names[1].first == "app:1");
        CHECK(names[1].second.find(std::string(64, 'b')) != std::string::npos);
        CHECK(names[2].first == "app:9");
        CHECK(unreadable_names(store.get()).size() == 3);
    }
}
