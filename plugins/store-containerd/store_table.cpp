// The C entry points of the containerd store, each behind the SDK's exception barrier.
#include "connection.hpp"
#include "content_blobs.hpp"
#include "gc_labels.hpp"
#include "image_records.hpp"
#include "snapshot_unpack.hpp"

#include <lading/sdk/barrier.hpp>
#include <lading/sdk/errors_by_thread.hpp>
#include <lading/sdk/export.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

struct lading_store {
    containerd_store::connection daemon;
    bool read_only;
    std::string unpacked_where;
};
struct lading_blob_writer {
    lading_store* store;
    containerd_store::content_writer ingest;
};
struct lading_blob_reader {
    containerd_store::content_reader content;
};

namespace {

using lading::sdk::barrier;
using namespace containerd_store;

// Several layers are written at once; each thread sees its own last error.
lading::sdk::errors_by_thread last_errors;
void remember(const std::string& message) { last_errors.set(message); }

lading_store* open_in_mode(const char* location, bool read_only, char* error, size_t error_len) noexcept
{
    return barrier<lading_store*>(
        nullptr, [&] { return new lading_store{connection(place_from(location), read_only), read_only, {}}; },
        [&](const std::string& m) { lading::sdk::copy_error(m, error, error_len); });
}

lading_store* open_store(const char* location, char* error, size_t error_len) noexcept
{
    return open_in_mode(location, false, error, error_len);
}

lading_store* open_read_only(const char* location, char* error, size_t error_len) noexcept
{
    return open_in_mode(location, true, error, error_len);
}

void refuse_if_read_only(const lading_store* s)
{
    if (s->read_only)
        throw std::runtime_error("containerd at " + s->daemon.place().address + " was opened for reading only");
}

void close_store(lading_store* s) noexcept { delete s; }
const char* last_error(lading_store*) noexcept { return last_errors.get(); }

int blob_exists(lading_store* s, const char* digest, uint64_t* size) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            auto found = content_size(s->daemon, digest);
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
            return new lading_blob_writer{s, content_writer(s->daemon)};
        },
        remember);
}

int blob_write(lading_blob_writer* w, const uint8_t* data, size_t len) noexcept
{
    return barrier<int>(
        LADING_ERROR, [&] { w->ingest.write(data, len); return static_cast<int>(LADING_OK); }, remember);
}

// A manifest names its children for the collector, and gives its compressed layers their
// diffIDs from the config (both are written before the manifest that points at them).
label_map labels_on_commit(lading_blob_writer* w)
{
    if (!w->ingest.head_is_whole()) return {};
    auto doc = manifest_or_index(w->ingest.head());
    if (!doc) return {};
    auto& daemon = w->store->daemon;
    if (auto config = config_digest(*doc); !config.empty() && content_size(daemon, config))
        for (const auto& [layer, diff_id] : compressed_layer_diff_ids(*doc, read_content(daemon, config)))
            set_content_labels(daemon, layer, {{"containerd.io/uncompressed", diff_id}});
    return child_ref_labels(*doc);
}

int blob_commit(lading_blob_writer* w, const char* digest) noexcept
{
    int r = barrier<int>(
        LADING_ERROR,
        [&] {
            w->ingest.commit(digest, labels_on_commit(w));
            return static_cast<int>(LADING_OK);
        },
        remember);
    delete w;
    return r;
}

void blob_abort(lading_blob_writer* w) noexcept { delete w; }

lading_blob_reader* blob_open(lading_store* s, const char* digest) noexcept
{
    return barrier<lading_blob_reader*>(
        nullptr, [&] { return new lading_blob_reader{content_reader(s->daemon, digest)}; }, remember);
}

int64_t blob_read(lading_blob_reader* r, uint8_t* buf, size_t len) noexcept
{
    return barrier<int64_t>(-1, [&] { return static_cast<int64_t>(r->content.read(buf, len)); }, remember);
}

void blob_close(lading_blob_reader* r) noexcept { delete r; }

// containerd keeps images by their full names (docker.io/library/app:1), as ctr shows them.
int set_names(lading_store* s, const lading_store_name* names, size_t count) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            refuse_if_read_only(s);
            std::vector<image_record> records;
            for (size_t i = 0; i < count; ++i) {
                const char* name = names[i].normalized && *names[i].normalized ? names[i].normalized : names[i].name;
                records.push_back({name, boost::json::parse(names[i].descriptor_json).as_object()});
            }
            bind_images(s->daemon, records);
            return static_cast<int>(LADING_OK);
        },
        remember);
}

int list_names(lading_store* s, lading_name_visitor visit, void* user) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            for (const auto& r : list_images(s->daemon))
                visit(user, r.name.c_str(), boost::json::serialize(r.target).c_str());
            return static_cast<int>(LADING_OK);
        },
        remember);
}

const char* blob_path(lading_store*, const char*) noexcept { return nullptr; }

int unpack(lading_store* s, const lading_unpack_request* request, const char** where) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            refuse_if_read_only(s);
            auto manifest = boost::json::parse(request->manifest_descriptor_json).as_object();
            std::vector<layer_to_apply> layers;
            for (size_t i = 0; i < request->layer_count; ++i)
                layers.push_back({request->layers[i].descriptor_json, request->layers[i].diff_id});
            auto outcome = unpack_layers(s->daemon, std::string(manifest.at("digest").as_string()), layers);
            s->unpacked_where = s->daemon.place().snapshotter + " snapshot " + outcome.top_chain_id;
            *where = s->unpacked_where.c_str();
            return static_cast<int>(outcome.unpacked_now ? LADING_OK : LADING_DONE);
        },
        remember);
}

int blob_source(lading_store* s, const char* digest, const char* registry, const char* repository) noexcept
{
    return barrier<int>(
        LADING_ERROR,
        [&] {
            refuse_if_read_only(s);
            auto info = info_of(s->daemon, digest);
            if (!info) return static_cast<int>(LADING_NOT_FOUND);
            auto label = distribution_source_label(info->labels, registry, repository);
            if (info->labels[label.first] != label.second) set_content_labels(s->daemon, digest, {label});
            return static_cast<int>(LADING_OK);
        },
        remember);
}

// No local directory (local_root NULL), no file listing and no side records: containerd
// holds the content, and the host uses its own defaults where a store has none of these.
const lading_store_v1 table{
    lading::sdk::make_header<lading_store_v1>(LADING_KIND_STORE, "containerd", "1.0.0"),
    &open_store, &close_store, &last_error, &blob_exists, &blob_begin, &blob_write, &blob_commit,
    &blob_abort, &blob_open, &blob_read, &blob_close, &set_names, &list_names, &blob_path,
    &open_read_only, nullptr, nullptr, nullptr, nullptr, &unpack, &blob_source,
    nullptr,  // open_scratch: lading never spools into a daemon
    nullptr,  // metadata_list: it keeps no records
    nullptr,  // metadata_remove
    nullptr,  // list_unreadable_names: every containerd image has a name
};

}  // namespace

LADING_EXPORT_PLUGIN(table)
