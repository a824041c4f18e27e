#include <lading/oci/canonical_json.hpp>
#include <lading/error.hpp>
#include <lading/plugin/store.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>

namespace lading::plugin {

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
    : library_(plugin.library), table_(reinterpret_cast<const lading_store_v1*>(plugin.header)), location_(location)
{
    char err[512] = {};
    if (mode == open_mode::read_only) {
        if (!has_appended(offsetof(lading_store_v1, open_read_only)) || !table_->open_read_only)
            throw error("the " + backend() + " store plugin cannot open " + location + " for reading only");
        handle_ = table_->open_read_only(location.c_str(), err, sizeof err);
    } else {
        handle_ = table_->open(location.c_str(), err, sizeof err);
    }
    if (!handle_) throw error("cannot open the " + backend() + " store at " + location + ": " + err);
}

store::~store() { table_->close(handle_); }

bool store::has_appended(std::size_t field_offset) const
{
    return table_->header.struct_size >= field_offset + sizeof(void*);
}

std::vector<store_content> store::contents()
{
    if (!has_appended(offsetof(lading_store_v1, list_contents)) || !table_->list_contents)
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

void store::set_names(const std::vector<binding>& bindings)
{
    std::vector<std::string> descriptors;
    descriptors.reserve(bindings.size());
    for (const auto& b : bindings) descriptors.push_back(canonical_json(b.descriptor.to_json()));
    std::vector<lading_store_name> names;
    for (std::size_t i = 0; i < bindings.size(); ++i)
        names.push_back({bindings[i].name.c_str(), bindings[i].normalized.c_str(), descriptors[i].c_str()});
    if (table_->set_names(handle_, names.data(), names.size()) != LADING_OK) fail("cannot name the image in the store");
}

std::vector<stored_name> store::names()
{
    std::vector<std::pair<std::string, std::string>> raw;
    auto visit = [](void* user, const char* name, const char* descriptor_json) {
        static_cast<decltype(raw)*>(user)->emplace_back(name, descriptor_json);
    };
    if (table_->list_names(handle_, visit, &raw) != LADING_OK) fail("cannot list the names in the store");
    std::vector<stored_name> out;
    for (auto& [name, json] : raw) out.push_back({name, descriptor::from_json(boost::json::parse(json))});
    return out;
}

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

}  // namespace lading::plugin
