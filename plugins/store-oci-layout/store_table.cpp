// The C entry points of the oci-layout store, each behind the SDK's exception barrier.
#include "blob_files.hpp"
#include "index_file.hpp"
#include "layout_directory.hpp"
#include "record_files.hpp"
#include "temporary_files.hpp"

#include <lading/sdk/barrier.hpp>
#include <lading/sdk/errors_by_thread.hpp>
#include <lading/sdk/export.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <memory>

#include <sys/stat.h>

struct lading_store {
    std::filesystem::path root;
    bool read_only = false;
    oci_layout::durability blobs = oci_layout::durability::flushed;
    std::string path_buffer;
    std::string root_text = root.string();
    std::string unpacked_where;
};
struct lading_blob_writer {
    lading_store* store;
    oci_layout::blob_file_writer file;
};
struct lading_blob_reader {
    oci_layout::blob_file_reader file;
};

namespace {

using lading::sdk::barrier;

// Several layers are written at once; each thread sees its own last error.
lading::sdk::errors_by_thread last_errors;
void remember(const std::string& message) { last_errors.set(message); }

lading_store* open_in_mode(const char* location, bool read_only, oci_layout::durability blobs, char* error,
                           size_t error_len) noexcept
{
    return barrier<lading_store*>(
        nullptr,
        [&] {
            auto s = std::make_unique<lading_store>(std::filesystem::absolute(location), read_only, blobs);
            if (read_only)
                oci_layout::check_layout(s->root);
            else
                oci_layout::prepare_layout(s->root, blobs);
            return s.release();
        },
        [&](const std::string& m) { lading::sdk::copy_error(m, error, error_len); });
}

lading_store* open_store(const char* location, char* error, size_t error_len) noexcept
{
    return open_in_mode(location, false, oci_layout::durability::flushed, error, error_len);
}

lading_store* open_read_only(const char* location, char* error, size_t error_len) noexcept
{
    return open_in_mode(location, true, oci_layout::durability::flushed, error, error_len);
}

// Blobs of a spool are not flushed: the file and rename are the same, only the fsyncs go.
lading_store* open_scratch(const char* location, char* error, size_t error_len) noexcept
{
    return open_in_mode(location, false, oci_layout::durability::unflushed, error, error_len);
}

void refuse_if_read_only(const lading_store* s)
{
    if (s->read_only) throw std::runtime_error(s->root.string() + " was opened for reading only");
}

void close_store(lading_store* s) noexcept { delete s; }
const char* last_error(lading_store*) noexcept { return last_errors.get(); }

int blob_exists(lading_store* s, const char* digest, uint64_t* size) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            if (!oci_layout::valid_digest(digest)) throw std::runtime_error("not a sha256 digest");
            auto found = oci_layout::blob_file_size(s->root, digest);
            if (!found) return 0;
            *size = *found;
            return 1;
        },
        remember);
}

lading_blob_writer* blob_begin(lading_store* s) noexcept
{
    return barrier<lading_blob_writer*>(
        nullptr,
        [&] {
            refuse_if_read_only(s);
            return new lading_blob_writer{s, oci_layout::blob_file_writer(s->root, s->blobs)};
        },
        remember);
}

int blob_write(lading_blob_writer* w, const uint8_t* data, size_t len) noexcept
{
    return barrier<int>(
        LADING_ERROR, [&] { w->file.write(data, len); return static_cast<int>(LADING_OK); }, remember);
}

int blob_commit(lading_blob_writer* w, const char* digest) noexcept
{
    int r = barrier<int>(
        LADING_ERROR, [&] { w->file.commit(digest); return static_cast<int>(LADING_OK); }, remember);
    delete w;
    return r;
}

void blob_abort(lading_blob_writer* w) noexcept { delete w; }

lading_blob_reader* blob_open(lading_store* s, const char* digest) noexcept
{
    return barrier<lading_blob_reader*>(
        nullptr, [&] { return new lading_blob_reader{oci_layout::blob_file_reader(s->root, digest)}; }, remember);
}

int64_t blob_read(lading_blob_reader* r, uint8_t* buf, size_t len) noexcept
{
    return barrier<int64_t>(-1, [&] { return r->file.read(buf, len); }, remember);
}

void blob_close(lading_blob_reader* r) noexcept { delete r; }

int set_names(lading_store* s, const lading_store_name* names, size_t count) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            refuse_if_read_only(s);
            std::vector<oci_layout::name_binding> bindings;
            for (size_t i = 0; i < count; ++i) {
                auto v = boost::json::parse(names[i].descriptor_json);
                bindings.push_back({names[i].name, names[i].normalized, v.as_object()});
            }
            oci_layout::bind_names(s->root, bindings);
            return static_cast<int>(LADING_OK);
        },
        remember);
}

int list_names(lading_store* s, lading_name_visitor visit, void* user) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            for (const auto& [name, descriptor] : oci_layout::read_names(s->root))
                visit(user, name.c_str(), boost::json::serialize(descriptor).c_str());
            return static_cast<int>(LADING_OK);
        },
        remember);
}

int list_unreadable_names(lading_store* s, lading_text_visitor visit, void* user) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            for (const auto& line : oci_layout::unreadable_entries(s->root)) visit(user, line.c_str());
            return static_cast<int>(LADING_OK);
        },
        remember);
}

const char* blob_path(lading_store* s, const char* digest) noexcept
{
    return barrier<const char*>(
        nullptr,
        [&]() -> const char* {
            if (!oci_layout::valid_digest(digest)) return nullptr;
            s->path_buffer = oci_layout::blob_path(s->root, digest).string();
            return s->path_buffer.c_str();
        },
        remember);
}

int list_contents(lading_store* s, lading_content_visitor visit, void* user) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            oci_layout::visit_blob_area(s->root, [&](oci_layout::blob_area_entry kind, const std::string& name, uint64_t size) {
                visit(user, kind == oci_layout::blob_area_entry::blob ? LADING_CONTENT_BLOB : LADING_CONTENT_STRAY,
                      name.c_str(), size);
            });
            struct stat area {};
            if (::lstat(oci_layout::temp_dir(s->root).c_str(), &area) == 0 && !S_ISDIR(area.st_mode))
                visit(user, LADING_CONTENT_STRAY, ".lading-tmp", 0);
            oci_layout::visit_temporaries(s->root, [&](const std::string& name, oci_layout::temporary_state state, uint64_t size) {
                auto path = (std::filesystem::path(".lading-tmp") / name).string();
                visit(user,
                      state == oci_layout::temporary_state::in_use ? LADING_CONTENT_TEMPORARY_IN_USE
                                                                   : LADING_CONTENT_TEMPORARY_ABANDONED,
                      path.c_str(), size);
            });
            return static_cast<int>(LADING_OK);
        },
        remember);
}

int metadata_get(lading_store* s, const char* key, lading_bytes_visitor visit, void* user) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            auto value = oci_layout::read_record(s->root, key);
            if (!value) return static_cast<int>(LADING_NOT_FOUND);
            visit(user, reinterpret_cast<const uint8_t*>(value->data()), value->size());
            return static_cast<int>(LADING_OK);
        },
        remember);
}

int metadata_put(lading_store* s, const char* key, const uint8_t* value, size_t len) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            refuse_if_read_only(s);
            oci_layout::write_record(s->root, key, std::string_view(reinterpret_cast<const char*>(value), len));
            return static_cast<int>(LADING_OK);
        },
        remember);
}

int metadata_list(lading_store* s, const char* prefix, lading_record_visitor visit, void* user) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            oci_layout::list_records(s->root, prefix, [&](const std::string& key, const std::optional<std::string>& value) {
                if (value)
                    visit(user, key.c_str(), reinterpret_cast<const uint8_t*>(value->data()), value->size());
                else
                    visit(user, key.c_str(), nullptr, 0);
            });
            return static_cast<int>(LADING_OK);
        },
        remember);
}

int metadata_remove(lading_store* s, const char* key) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            refuse_if_read_only(s);
            return static_cast<int>(oci_layout::remove_record(s->root, key) ? LADING_OK : LADING_NOT_FOUND);
        },
        remember);
}

const char* local_root(lading_store* s) noexcept { return s->root_text.c_str(); }

// Root filesystems live at <root>/unpacked/sha256/<manifest hex>/rootfs, built by the host.
int unpack(lading_store* s, const lading_unpack_request* request, const char** where) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            refuse_if_read_only(s);
            const auto* host = request->host;
            if (!host || host->struct_size < offsetof(lading_unpack_host, unpack_into_directory) + sizeof(void*) ||
                !host->unpack_into_directory)
                throw std::runtime_error("the host offers no directory unpacker");
            auto descriptor = boost::json::parse(request->manifest_descriptor_json).as_object();
            const std::string digest(descriptor.at("digest").as_string());
            if (!oci_layout::valid_digest(digest.c_str())) throw std::runtime_error("not a sha256 digest: " + digest);
            const auto rootfs = std::filesystem::path("sha256") / digest.substr(7) / "rootfs";
            int r = host->unpack_into_directory(host->context, "unpacked", rootfs.c_str());
            if (r == LADING_ERROR) throw std::runtime_error("unpacking " + digest + " failed");
            s->unpacked_where = (s->root / "unpacked" / rootfs).string();
            *where = s->unpacked_where.c_str();
            return r;
        },
        remember);
}

const lading_store_v1 table{
    lading::sdk::make_header<lading_store_v1>(LADING_KIND_STORE, "oci-layout", "1.0.0"),
    &open_store, &close_store, &last_error, &blob_exists, &blob_begin, &blob_write, &blob_commit,
    &blob_abort, &blob_open, &blob_read, &blob_close, &set_names, &list_names, &blob_path,
    &open_read_only, &list_contents, &metadata_get, &metadata_put, &local_root, &unpack,
    nullptr,  // blob_source: a layout keeps no provenance
    &open_scratch,
    &metadata_list,
    &metadata_remove,
    &list_unreadable_names,
};

}  // namespace

LADING_EXPORT_PLUGIN(table)
