// The host's view of a store backend plugin: blobs in, names bound, blobs out.
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/oci/descriptor.hpp>
#include <lading/plugin/catalog.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading::unpack {
struct platform_image;
}

namespace lading::plugin {

class blob_writer;

// A name in a store and the root descriptor it points at. `normalized` is its fully
// qualified form (docker.io/library/...), given when naming; a listing leaves it empty.
struct stored_name {
    std::string name;
    std::string normalized;
    lading::descriptor descriptor;
};

// An entry of a store's list of names that cannot be used: `name` as stored and what is wrong
// with its descriptor, or no name and the backend's line saying where the entry is and what
// is wrong with it.
struct unreadable_name {
    std::string name;
    std::string problem;

    // One line: `name "app:1" is unreadable: <problem>`, or the backend's line.
    std::string describe() const;
};

// Every entry of a store's list of names: those lading can use, and those it cannot.
struct name_listing {
    std::vector<stored_name> names;
    std::vector<unreadable_name> unreadable;

    // The unreadable entry stored under a name `wanted` accepts, if any.
    const unreadable_name* unreadable_as(const std::function<bool(const std::string&)>& wanted) const;
};

// A file a store holds beside its names, as its backend lists it.
enum class content_kind { blob, temporary_in_use, temporary_abandoned, stray };
struct store_content {
    content_kind kind;
    std::string name;  // a blob's digest, else the file's path in the store
    std::uint64_t size;
};

// A record kept in a store, as a listing gives it: no value when it is there but unreadable.
struct stored_record {
    std::string key;
    std::optional<std::string> value;
};

// scratch: a spool of lading's own, removed when done: what is written need not survive a
// crash (open_scratch in abi.h; plain open for a plugin without it).
enum class open_mode { read_write, read_only, scratch };

// The entries appended to lading_store_v1 that a plugin has: an older plugin's table is
// shorter, and any appended entry may be NULL.
struct store_features {
    bool read_only = false;   // open_read_only
    bool contents = false;    // list_contents
    bool metadata = false;    // metadata_get and metadata_put
    bool local_root = false;  // local_root
    bool unpack = false;      // unpack
    bool blob_source = false; // blob_source
    bool list_metadata = false; // metadata_list
    bool remove_metadata = false; // metadata_remove
    bool unreadable_names = false; // list_unreadable_names
};
store_features features_of(const loaded_plugin& plugin);

// Where to open a store: a directory store (its table has local_root, or predates it) in
// `directory`, a daemon's store (local_root NULL) at `daemon_address`, "" meaning wherever
// its plugin looks by default.
std::string location_for(const loaded_plugin& plugin, const std::filesystem::path& directory,
                         const std::string& daemon_address);

// The host's own unpacker of an image into a directory tree, lent to a store that keeps
// root filesystems as directories (lading_unpack_host in abi.h).
class directory_unpacker {
public:
    virtual ~directory_unpacker() = default;
    // area and rootfs as abi.h describes them. true when it unpacked the tree, false when
    // the tree was there already.
    virtual bool unpack_into(const std::string& area, const std::string& rootfs) = 0;
};

struct unpack_result {
    bool unpacked_now = false;  // false: it was unpacked before
    std::string where;          // as the store says it: a path, a snapshot
};

class store {
public:
    // read_only: nothing is created, cleaned or written in the store (a base image layout).
    store(const loaded_plugin& plugin, const std::string& location, open_mode mode = open_mode::read_write);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    std::string backend() const { return table_->header.name; }
    const std::string& location() const { return location_; }
    const store_features& features() const { return features_; }

    std::optional<std::uint64_t> blob_size(const digest& d);
    std::unique_ptr<blob_writer> begin_blob();
    std::unique_ptr<byte_source> open_blob(const digest& d);
    std::string read_small_blob(const digest& d, std::size_t limit);

    // All the names land together or none do.
    void set_names(const std::vector<stored_name>& names);
    // The names whose descriptors lading can use; an unreadable entry hides no other name.
    std::vector<stored_name> names();
    // The names, and the entries that cannot be used with why: a descriptor that is not a
    // valid one, a root that is neither an image manifest nor an index, and the entries the
    // backend cannot read a name from.
    name_listing list_names();
    // Throws when the backend cannot list what it holds.
    std::vector<store_content> contents();

    // Small named records kept in the store (metadata_get/put in abi.h). A backend without
    // them keeps none: get_metadata finds nothing, put_metadata returns false.
    std::optional<std::string> get_metadata(const std::string& key);
    bool put_metadata(const std::string& key, std::string_view value);
    // The records whose keys start with `prefix` ("conversions/"); none from a backend that
    // cannot list them (features().list_metadata). Throws when the listing fails.
    std::vector<stored_record> list_metadata(const std::string& prefix);
    // Removes the record under `key`: false when there was none or the backend cannot remove
    // records (features().remove_metadata). Throws when the removal fails.
    bool remove_metadata(const std::string& key);

    // Notes where a stored blob was pulled from, in a backend that keeps it (blob_source in
    // abi.h); nothing happens in one that does not.
    void note_source(const digest& d, const std::string& registry, const std::string& repository);

    // The directory the store lives in, when it is one and its backend says so.
    std::optional<std::filesystem::path> local_root();
    // A local file holding a blob's bytes, when the backend keeps blobs as files and says so.
    std::optional<std::filesystem::path> blob_path(const digest& d);

    // Has the backend unpack `image`, where and how it keeps root filesystems; `host` does
    // the work for a backend that asks for a directory tree, and what it throws comes out
    // as it is. Throws when the backend cannot unpack.
    unpack_result unpack(const unpack::platform_image& image, directory_unpacker& host);

private:
    [[noreturn]] void fail(const std::string& what);

    std::shared_ptr<void> library_;
    const lading_store_v1* table_;
    store_features features_;
    lading_store* handle_;
    std::string location_;
    friend class blob_writer;
    friend class blob_reader_source;
};

// A blob being written; aborted on destruction unless committed.
class blob_writer {
public:
    blob_writer(store& owner, lading_blob_writer* handle);
    ~blob_writer();
    blob_writer(const blob_writer&) = delete;
    blob_writer& operator=(const blob_writer&) = delete;

    void write(std::span<const std::uint8_t> bytes);
    void commit(const digest& d);

private:
    store& owner_;
    lading_blob_writer* handle_;
};

}  // namespace lading::plugin
