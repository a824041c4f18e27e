// The host's view of a store backend plugin: blobs in, names bound, blobs out.
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/oci/descriptor.hpp>
#include <lading/plugin/catalog.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lading::plugin {

class blob_writer;

struct stored_name {
    std::string name;
    lading::descriptor descriptor;
};

// A file a store holds beside its names, as its backend lists it.
enum class content_kind { blob, temporary_in_use, temporary_abandoned, stray };
struct store_content {
    content_kind kind;
    std::string name;  // a blob's digest, else the file's path in the store
    std::uint64_t size;
};

enum class open_mode { read_write, read_only };

class store {
public:
    // read_only: nothing is created, cleaned or written in the store (a base image layout).
    store(const loaded_plugin& plugin, const std::string& location, open_mode mode = open_mode::read_write);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    std::string backend() const { return table_->header.name; }
    const std::string& location() const { return location_; }

    std::optional<std::uint64_t> blob_size(const digest& d);
    std::unique_ptr<blob_writer> begin_blob();
    std::unique_ptr<byte_source> open_blob(const digest& d);
    std::string read_small_blob(const digest& d, std::size_t limit);

    // name → (normalized name, root descriptor); all land together or none do.
    struct binding {
        std::string name, normalized;
        lading::descriptor descriptor;
    };
    void set_names(const std::vector<binding>& bindings);
    std::vector<stored_name> names();
    // Throws when the backend cannot list what it holds.
    std::vector<store_content> contents();

private:
    [[noreturn]] void fail(const std::string& what);
    bool has_appended(std::size_t field_offset) const;

    std::shared_ptr<void> library_;
    const lading_store_v1* table_;
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
