#include <lading/oci/canonical_json.hpp>
#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>
#include <lading/plugin/store.hpp>
#include "unpack/platform_image.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <exception>
#include <variant>

namespace lading::plugin {

std::string location_for(const loaded_plugin& plugin, const std::filesystem::path& directory,
                         const std::string& daemon_address)
{
    const auto* t = reinterpret_cast<const lading_store_v1*>(plugin.header);
    const bool has_entry = t->header.struct_size >= offsetof(lading_store_v1, local_root) + sizeof(void*);
    return has_entry && !t->local_root ? daemon_address : directory.string();
}

namespace {
bool has_open_scratch(const lading_store_v1& t)
{
    return t.header.struct_size >= offsetof(lading_store_v1, open_scratch) + sizeof(void*) && t.open_scratch;
}
}  // namespace

store_features features_of(const loaded_plugin& plugin)
{
    const auto* t = reinterpret_cast<const lading_store_v1*>(plugin.header);
    // Each entry is read only once the size says the table has it.
    auto has = [&](std::size_t offset) { return t->header.struct_size >= offset + sizeof(void*); };
    store_features f;
    f.read_only = has(offsetof(lading_store_v1, open_read_only)) && t->open_read_only;
    f.contents = has(offsetof(lading_store_v1, list_contents)) && t->list_contents;
    f.metadata = has(offsetof(lading_store_v1, metadata_put)) && t->metadata_get && t->metadata_put;
    f.local_root = has(offsetof(lading_store_v1, local_root)) && t->local_root;
    f.unpack = has(offsetof(lading_store_v1, unpack)) && t->unpack;
    f.blob_source = has(offsetof(lading_store_v1, blob_source)) && t->blob_source;
    f.list_metadata = has(offsetof(lading_store_v1, metadata_list)) && t->metadata_list;
    f.remove_metadata = has(offsetof(lading_store_v1, metadata_remove)) && t->metadata_remove;
    f.unreadable_names = has(offsetof(lading_store_v1, list_unreadable_names)) && t->list_unreadable_names;
    return f;
}

class blob_reader_source : public byte_source {
public:
    blob_reader_source(store& owner, lading_blob_reader* handle, std::string what)
        : owner_(owner), handle_(handle), what_(std::move(what))
    {
    }
    ~blob_reader_source() override { owner_.table_->blob_close(handle_); }
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        auto n = owner_.table_->blob_read(handle_, buf.data(), buf.size());
        if (n < 0) throw error("cannot read " + what_ + " from the store: " + owner_.table_->last_error(owner_.handle_));
        return static_cast<std::size_t>(n);
    }

private:
    store& owner_;
    lading_blob_reader* handle_;
    std::string what_;
};

store::store(const loaded_plugin& plugin, const std::string& location, open_mode mode)
    : library_(plugin.library),
      table_(reinterpret_cast<const lading_store_v1*>(plugin.header)),
      features_(features_of(plugin)),
      location_(location.empty() ? std::string(plugin.header->name) : location)  // a daemon at its default place
{
    char err[512] = {};
    if (mode == open_mode::read_only) {
        if (!features_.read_only)
            throw error("the " + backend() + " store plugin cannot open " + location + " for reading only");
        handle_ = table_->open_read_only(location.c_str(), err, sizeof err);
    } else if (mode == open_mode::scratch && has_open_scratch(*table_)) {
        handle_ = table_->open_scratch(location.c_str(), err, sizeof err);
    } else {
        handle_ = table_->open(location.c_str(), err, sizeof err);
    }
    if (!handle_)
        throw error("cannot open the " + backend() + " store" + (location.empty() ? "" : " at " + location) + ": " + err);
}

store::~store() { table_->close(handle_); }

std::vector<store_content> store::contents()
{
    if (!features_.contents)
        throw error("the " + backend() + " store plugin cannot list what it holds");
    std::vector<store_content> out;
    auto visit = [](void* user, int kind, const char* name, uint64_t size) {
        auto k = kind == LADING_CONTENT_BLOB                   ? content_kind::blob
                 : kind == LADING_CONTENT_TEMPORARY_IN_USE    ? content_kind::temporary_in_use
                 : kind == LADING_CONTENT_TEMPORARY_ABANDONED ? content_kind::temporary_abandoned
                                                              : content_kind::stray;
        static_cast<std::vector<store_content>*>(user)->push_back({k, name, size});
    };
    if (table_->list_contents(handle_, visit, &out) != LADING_OK) fail("cannot list the contents of " + location_);
    return out;
}

void store::fail(const std::string& what) { throw error(what + ": " + table_->last_error(handle_)); }

std::optional<std::uint64_t> store::blob_size(const digest& d)
{
    std::uint64_t size = 0;
    int r = table_->blob_exists(handle_, d.str().c_str(), &size);
    if (r < 0) fail("cannot look up " + d.str() + " in the store");
    return r == 1 ? std::optional(size) : std::nullopt;
}

std::unique_ptr<blob_writer> store::begin_blob()
{
    auto* w = table_->blob_begin(handle_);
    if (!w) fail("cannot start writing a blob into the store at " + location_);
    return std::make_unique<blob_writer>(*this, w);
}

std::unique_ptr<byte_source> store::open_blob(const digest& d)
{
    auto* r = table_->blob_open(handle_, d.str().c_str());
    if (!r) fail("cannot open blob " + d.str() + " in the store at " + location_);
    return std::make_unique<blob_reader_source>(*this, r, d.str());
}

std::string store::read_small_blob(const digest& d, std::size_t limit)
{
    auto src = open_blob(d);
    std::string out;
    std::uint8_t buf[65536];
    while (auto n = src->read(buf)) {
        out.append(reinterpret_cast<const char*>(buf), n);
        if (out.size() > limit) throw error("blob " + d.str() + " is larger than " + std::to_string(limit) + " bytes");
    }
    return out;
}

void store::set_names(const std::vector<stored_name>& bindings)
{
    std::vector<std::string> descriptors;
    descriptors.reserve(bindings.size());
    for (const auto& b : bindings) descriptors.push_back(canonical_json(b.descriptor.to_json()));
    std::vector<lading_store_name> names;
    for (std::size_t i = 0; i < bindings.size(); ++i)
        names.push_back({bindings[i].name.c_str(), bindings[i].normalized.c_str(), descriptors[i].c_str()});
    if (table_->set_names(handle_, names.data(), names.size()) != LADING_OK) fail("cannot name the image in the store");
}

namespace {

// The root descriptor a store gives for a name, or why lading cannot use it.
std::variant<descriptor, std::string> read_root(const std::string& json)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec) return "its descriptor is not JSON";
    try {
        auto d = descriptor::from_json(v);
        if (!media_types::is_manifest_or_index(d.media_type))
            return "its media type \"" + d.media_type + "\" is neither an image manifest's nor an index's";
        return d;
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
}

}  // namespace

std::string unreadable_name::describe() const
{
    return name.empty() ? problem : "name \"" + name + "\" is unreadable: " + problem;
}

const unreadable_name* name_listing::unreadable_as(const std::function<bool(const std::string&)>& wanted) const
{
    for (const auto& u : unreadable)
        if (!u.name.empty() && wanted(u.name)) return &u;
    return nullptr;
}

name_listing store::list_names()
{
    std::vector<std::pair<std::string, std::string>> raw;
    auto visit = [](void* user, const char* name, const char* descriptor_json) {
        static_cast<decltype(raw)*>(user)->emplace_back(name, descriptor_json);
    };
    if (table_->list_names(handle_, visit, &raw) != LADING_OK) fail("cannot list the names in the store");
    name_listing out;
    for (auto& [name, json] : raw) {
        auto root = read_root(json);
        if (auto* d = std::get_if<descriptor>(&root))
            out.names.push_back({name, {}, std::move(*d)});
        else
            out.unreadable.push_back({name, std::get<std::string>(root)});
    }
    if (features_.unreadable_names) {
        auto visit_line = [](void* user, const char* text) {
            static_cast<name_listing*>(user)->unreadable.push_back({"", std::string(text)});
        };
        if (table_->list_unreadable_names(handle_, visit_line, &out) != LADING_OK)
            fail("cannot list the names in the store");
    }
    return out;
}

std::vector<stored_name> store::names() { return list_names().names; }

blob_writer::blob_writer(store& owner, lading_blob_writer* handle) : owner_(owner), handle_(handle) {}

blob_writer::~blob_writer()
{
    if (handle_) owner_.table_->blob_abort(handle_);
}

void blob_writer::write(std::span<const std::uint8_t> bytes)
{
    if (owner_.table_->blob_write(handle_, bytes.data(), bytes.size()) != LADING_OK)
        owner_.fail("cannot write a blob into the store at " + owner_.location_);
}

void blob_writer::commit(const digest& d)
{
    auto* h = handle_;
    handle_ = nullptr;
    if (owner_.table_->blob_commit(h, d.str().c_str()) != LADING_OK)
        owner_.fail("cannot store blob " + d.str() + " at " + owner_.location_);
}

std::optional<std::string> store::get_metadata(const std::string& key)
{
    if (!features_.metadata) return std::nullopt;
    std::string value;
    auto visit = [](void* user, const uint8_t* data, size_t len) {
        static_cast<std::string*>(user)->assign(reinterpret_cast<const char*>(data), len);
    };
    int r = table_->metadata_get(handle_, key.c_str(), visit, &value);
    if (r == LADING_NOT_FOUND) return std::nullopt;
    if (r != LADING_OK) fail("cannot read the record " + key + " in the store at " + location_);
    return value;
}

bool store::put_metadata(const std::string& key, std::string_view value)
{
    if (!features_.metadata) return false;
    if (table_->metadata_put(handle_, key.c_str(), reinterpret_cast<const uint8_t*>(value.data()), value.size()) !=
        LADING_OK)
        fail("cannot write the record " + key + " in the store at " + location_);
    return true;
}

std::vector<stored_record> store::list_metadata(const std::string& prefix)
{
    std::vector<stored_record> records;
    if (!features_.list_metadata) return records;
    auto visit = [](void* user, const char* key, const uint8_t* value, size_t len) {
        auto& out = *static_cast<std::vector<stored_record>*>(user);
        out.push_back({key, value ? std::optional<std::string>(std::string(reinterpret_cast<const char*>(value), len))
                                  : std::nullopt});
    };
    if (table_->metadata_list(handle_, prefix.c_str(), visit, &records) != LADING_OK)
        fail("cannot list the records under " + prefix + " in the store at " + location_);
    return records;
}

bool store::remove_metadata(const std::string& key)
{
    if (!features_.remove_metadata) return false;
    int r = table_->metadata_remove(handle_, key.c_str());
    if (r == LADING_NOT_FOUND) return false;
    if (r != LADING_OK) fail("cannot remove the record " + key + " in the store at " + location_);
    return true;
}

void store::note_source(const digest& d, const std::string& registry, const std::string& repository)
{
    if (!features_.blob_source) return;
    if (table_->blob_source(handle_, d.str().c_str(), registry.c_str(), repository.c_str()) == LADING_ERROR)
        fail("cannot note where blob " + d.str() + " came from in the store at " + location_);
}

std::optional<std::filesystem::path> store::blob_path(const digest& d)
{
    const char* path = table_->blob_path ? table_->blob_path(handle_, d.str().c_str()) : nullptr;
    if (!path) return std::nullopt;
    return std::filesystem::path(path);
}

std::optional<std::filesystem::path> store::local_root()
{
    const char* root = features_.local_root ? table_->local_root(handle_) : nullptr;
    if (!root) return std::nullopt;
    return std::filesystem::path(root);
}

namespace {

// The context of lading_unpack_host: the host's unpacker, and what it threw, carried past
// the plugin to be rethrown as it was.
struct lent_unpacker {
    directory_unpacker& unpacker;
    std::exception_ptr failure;
};

int unpack_into_directory(void* context, const char* area, const char* rootfs)
{
    auto& lent = *static_cast<lent_unpacker*>(context);
    try {
        return lent.unpacker.unpack_into(area, rootfs) ? LADING_OK : LADING_DONE;
    } catch (...) {
        lent.failure = std::current_exception();
        return LADING_ERROR;
    }
}

}  // namespace

unpack_result store::unpack(const unpack::platform_image& image, directory_unpacker& host)
{
    if (!features_.unpack) throw error("the " + backend() + " store cannot unpack images (its plugin has no unpack entry)");
    const auto manifest = canonical_json(image.manifest.to_json());
    const auto platform = image.platform.str();
    std::vector<std::string> texts;  // descriptor, diffID, descriptor, ...
    for (const auto& l : image.layers) {
        texts.push_back(canonical_json(l.blob.to_json()));
        texts.push_back(l.diff_id.str());
    }
    std::vector<lading_unpack_layer> layers;
    for (std::size_t i = 0; i < texts.size(); i += 2) layers.push_back({texts[i].c_str(), texts[i + 1].c_str()});

    lent_unpacker lent{host, nullptr};
    const lading_unpack_host lent_host{sizeof(lading_unpack_host), &lent, &unpack_into_directory};
    const lading_unpack_request request{sizeof(lading_unpack_request), manifest.c_str(), platform.c_str(),
                                        layers.data(), layers.size(), &lent_host};
    const char* where = nullptr;
    int r = table_->unpack(handle_, &request, &where);
    if (lent.failure) std::rethrow_exception(lent.failure);
    if (r != LADING_OK && r != LADING_DONE)
        fail("cannot unpack " + image.manifest.digest.str() + " in the store at " + location_);
    return {r == LADING_OK, where ? where : location_};
}

}  // namespace lading::plugin
