// The exporter's side of a layer_memo: who builds a layer, who waits for it, and where its
// bytes wait for the exports that take it.
#pragma once

#include "export/blob_sink.hpp"
#include "layer/layer_builder.hpp"
#include "posix/owned_temporary_directory.hpp"
#include <lading/export/layer_memo.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>

#include <compare>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

namespace lading {

// A layer path as the memo knows it: made canonical, so that two spellings of one directory meet.
std::string memo_source(const std::filesystem::path& path);

// What makes two layer blobs the same: where the bytes come from and how they are compressed
// (the compressor's output does not depend on its thread count).
struct memo_key {
    std::string source;  // the layer path, made canonical
    std::string compression;
    int level = 0;
    std::optional<std::int64_t> clamp;
    auto operator<=>(const memo_key&) const = default;
};

class layer_memo::state {
public:
    state() = default;
    ~state();
    state(const state&) = delete;
    state& operator=(const state&) = delete;

    struct outcome {
        layer::built_layer layer;  // its pending output copies the blob into the destination
        bool reused = false;       // taken from another export rather than built here
    };
    // The layer under `key`: built now by `build`, into the sink it is given, when no export
    // has built it; else taken, after waiting while another export builds it. A failed build
    // is forgotten (the next export that needs the layer builds it). Throws what build throws,
    // and lading::error (registry::errc::interrupted) when `stop` ends a wait.
    outcome obtain(const memo_key& key, const blob_sink& destination, plugin::catalog& plugins, std::stop_token stop,
                   const std::function<layer::built_layer(const blob_sink&)>& build);

    std::size_t built() const;
    std::size_t reused() const;

    void expect(const std::filesystem::path& source);
    // Whether the layers of `source` go through the memo (layer_memo::expect_layer).
    bool shares(const std::filesystem::path& source) const;

private:
    plugin::store& spool(plugin::catalog& plugins);  // under mutex_
    layer::built_layer copied_on_commit(const layer::built_layer& made, const blob_sink& destination);

    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::map<memo_key, std::shared_ptr<const layer::built_layer>> entries_;  // null: being built
    std::unique_ptr<owned_temporary_directory> dir_;  // lading-layers-<pid>-XXXXXX in big_file_directory()
    std::unique_ptr<plugin::store> spool_;
    std::size_t built_ = 0, reused_ = 0;
    std::map<std::string, unsigned> expected_exports_;  // by memo_source
};

}  // namespace lading
