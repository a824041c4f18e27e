#include "export/layer_memo_state.hpp"

#include "posix/big_file_directory.hpp"

#include "store/copy_blob.hpp"
#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

namespace lading {

namespace {

// A built layer's pending output in an export that took it from the memo: committing copies
// the blob from the memo into the export's stores (nothing to do where it is already).
class copy_from_memo : public blob_output {
public:
    copy_from_memo(plugin::store& memo, descriptor blob, std::vector<plugin::store*> stores)
        : memo_(memo), blob_(std::move(blob)), stores_(std::move(stores))
    {
    }
    void write(std::span<const std::uint8_t>) override { throw std::logic_error("a memoised layer is not rewritten"); }
    void commit(const digest&) override
    {
        for (auto* s : stores_) copy_blob(memo_, blob_, *s, "a shared layer");
    }

private:
    plugin::store& memo_;
    descriptor blob_;
    std::vector<plugin::store*> stores_;
};

}  // namespace

std::string memo_source(const std::filesystem::path& path)
{
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(path, ec);
    return (ec ? path : canonical).string();
}

layer_memo::layer_memo() : state_(std::make_unique<state>()) {}
layer_memo::~layer_memo() = default;
std::size_t layer_memo::layers_built() const { return state_->built(); }
std::size_t layer_memo::layers_reused() const { return state_->reused(); }
void layer_memo::expect_layer(const std::filesystem::path& source) { state_->expect(source); }

void layer_memo::state::expect(const std::filesystem::path& source)
{
    std::lock_guard lock(mutex_);
    ++expected_exports_[memo_source(source)];
}

bool layer_memo::state::shares(const std::filesystem::path& source) const
{
    std::lock_guard lock(mutex_);
    if (expected_exports_.empty()) return true;
    auto it = expected_exports_.find(memo_source(source));
    return it != expected_exports_.end() && it->second >= 2;
}

layer_memo::state::~state()
{
    spool_.reset();  // closed before its directory goes
}

std::size_t layer_memo::state::built() const
{
    std::lock_guard lock(mutex_);
    return built_;
}

std::size_t layer_memo::state::reused() const
{
    std::lock_guard lock(mutex_);
    return reused_;
}

plugin::store& layer_memo::state::spool(plugin::catalog& plugins)
{
    if (!spool_) {
        dir_ = std::make_unique<owned_temporary_directory>(big_file_directory(), "lading-layers-",
                                                           "for shared layers");
        spool_ = std::make_unique<plugin::store>(plugins.get(LADING_KIND_STORE, "oci-layout"), dir_->path().string(),
                                                plugin::open_mode::scratch);
    }
    return *spool_;
}

layer::built_layer layer_memo::state::copied_on_commit(const layer::built_layer& made, const blob_sink& destination)
{
    layer::built_layer l;
    l.blob = made.blob;
    l.size = made.size;
    l.diff_id = made.diff_id;
    l.input_digest = made.input_digest;
    l.uncompressed_size = made.uncompressed_size;
    l.annotations = made.annotations;
    l.media_suffix = made.media_suffix;
    descriptor blob;
    blob.digest = made.blob;
    blob.size = made.size;
    l.pending = std::make_unique<copy_from_memo>(*spool_, std::move(blob), destination.stores());
    return l;
}

layer_memo::state::outcome layer_memo::state::obtain(const memo_key& key, const blob_sink& destination,
                                                     plugin::catalog& plugins, std::stop_token stop,
                                                     const std::function<layer::built_layer(const blob_sink&)>& build)
{
    std::unique_lock lock(mutex_);
    plugin::store& memo = spool(plugins);
    for (;;) {
        auto it = entries_.find(key);
        if (it == entries_.end()) break;
        if (it->second) {
            ++reused_;
            return {copied_on_commit(*it->second, destination), true};
        }
        const bool settled = changed_.wait(lock, stop, [&] {
            auto now = entries_.find(key);
            return now == entries_.end() || now->second;
        });
        if (!settled) throw error(registry::errc::interrupted, "interrupted while waiting for a shared layer");
    }
    entries_.emplace(key, nullptr);
    lock.unlock();

    std::shared_ptr<const layer::built_layer> shared;
    try {
        auto made = build(blob_sink({&memo}));
        made.pending->commit(made.blob);
        made.pending.reset();
        shared = std::make_shared<const layer::built_layer>(std::move(made));
    } catch (...) {
        lock.lock();
        entries_.erase(key);
        lock.unlock();
        changed_.notify_all();
        throw;
    }
    lock.lock();
    entries_[key] = shared;
    ++built_;
    lock.unlock();
    changed_.notify_all();
    return {copied_on_commit(*shared, destination), false};
}

}  // namespace lading
