#include "snapshot_unpack.hpp"

#include "content_blobs.hpp"
#include "descriptor_json.hpp"
#include "gc_labels.hpp"

#include <boost/json/parse.hpp>
#include <lading/formats/sha256.hpp>

#include <chrono>
#include <random>
#include <stdexcept>

namespace containerd_store {

namespace {

// containerd's unpack key: unique, and naming the chain ID it becomes.
std::string extract_key(const std::string& chain_id)
{
    std::random_device random;  // no thread_local in a plugin (see errors_by_thread.hpp)
    return "extract-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000000) +
           "-" + std::to_string(random() % 100000000) + " " + chain_id;
}

bool snapshot_exists(connection& c, const std::string& key)
{
    auto ctx = c.context(call_kind::read);
    api::snapshots::StatSnapshotRequest req;
    req.set_snapshotter(c.place().snapshotter);
    req.set_key(key);
    api::snapshots::StatSnapshotResponse resp;
    auto s = c.snapshots().Stat(ctx.get(), req, &resp);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) return false;
    c.check(s, "snapshot " + key + " of snapshotter " + c.place().snapshotter);
    return true;
}

void remove_snapshot(connection& c, const std::string& key)
{
    auto ctx = c.context(call_kind::read);
    api::snapshots::RemoveSnapshotRequest req;
    req.set_snapshotter(c.place().snapshotter);
    req.set_key(key);
    google::protobuf::Empty empty;
    (void)c.snapshots().Remove(ctx.get(), req, &empty);
}

// Prepare on the parent, apply the layer, check its diffID, commit under the chain ID.
void apply_layer(connection& c, const layer_to_apply& layer, const std::string& parent, const std::string& chain_id)
{
    const auto& snapshotter = c.place().snapshotter;
    const auto key = extract_key(chain_id);
    api::snapshots::PrepareSnapshotResponse prepared;
    {
        auto ctx = c.context(call_kind::leased);
        api::snapshots::PrepareSnapshotRequest req;
        req.set_snapshotter(snapshotter);
        req.set_key(key);
        req.set_parent(parent);
        c.check(c.snapshots().Prepare(ctx.get(), req, &prepared),
                "preparing a snapshot for layer " + layer.diff_id + " with snapshotter " + snapshotter);
    }
    try {
        auto ctx = c.context(call_kind::leased);
        api::diff::ApplyRequest req;
        *req.mutable_diff() = from_json(boost::json::parse(layer.descriptor_json).as_object());
        *req.mutable_mounts() = prepared.mounts();
        api::diff::ApplyResponse applied;
        c.check(c.diff().Apply(ctx.get(), req, &applied), "applying layer " + req.diff().digest());
        if (applied.applied().digest() != layer.diff_id)
            throw std::runtime_error("layer " + req.diff().digest() + " unpacked to " + applied.applied().digest() +
                                     ", not to its diffID " + layer.diff_id);
        auto commit_ctx = c.context(call_kind::leased);
        api::snapshots::CommitSnapshotRequest commit;
        commit.set_snapshotter(snapshotter);
        commit.set_name(chain_id);
        commit.set_key(key);
        google::protobuf::Empty empty;
        auto s = c.snapshots().Commit(commit_ctx.get(), commit, &empty);
        // Another unpack of the same layers committed first: theirs is as good as ours.
        if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
            remove_snapshot(c, key);
            return;
        }
        c.check(s, "committing snapshot " + chain_id);
    } catch (...) {
        remove_snapshot(c, key);
        throw;
    }
}

}  // namespace

std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids)
{
    std::vector<std::string> chain;
    for (const auto& d : diff_ids)
        chain.push_back(chain.empty() ? d : "sha256:" + lading::formats::sha256_hex(chain.back() + " " + d));
    return chain;
}

unpack_outcome unpack_layers(connection& c, const std::string& manifest_digest,
                             const std::vector<layer_to_apply>& layers)
{
    std::vector<std::string> diff_ids;
    for (const auto& l : layers) diff_ids.push_back(l.diff_id);
    const auto chain = chain_ids(diff_ids);
    unpack_outcome outcome;
    if (chain.empty()) return outcome;
    outcome.top_chain_id = chain.back();

    // As containerd does: when the top is there, every layer below it is too.
    if (!snapshot_exists(c, chain.back())) {
        for (std::size_t i = 0; i < layers.size(); ++i) {
            if (snapshot_exists(c, chain[i])) continue;
            apply_layer(c, layers[i], i == 0 ? std::string() : chain[i - 1], chain[i]);
            outcome.unpacked_now = true;
        }
    }

    auto manifest = manifest_or_index(read_content(c, manifest_digest));
    const auto config = manifest ? config_digest(*manifest) : std::string();
    if (config.empty()) throw std::runtime_error("blob " + manifest_digest + " is not an image manifest");
    if (!set_content_labels(c, config, {{"containerd.io/gc.ref.snapshot." + c.place().snapshotter, chain.back()}}))
        throw std::runtime_error("the config " + config + " of " + manifest_digest + " is not in containerd");
    return outcome;
}

}  // namespace containerd_store
