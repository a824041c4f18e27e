// Layers shared between exports. Exports that carry the same layer_memo (export_request::
// layer_memo) compress a layer once: the same source path, compression, level and time clamp
// give the same blob, so the first export that needs it builds it and the others take its
// bytes. An export waits while another one builds a layer it needs.
//
// The memo keeps every blob it built in a private temporary directory (under $TMPDIR) until it
// is destroyed, and assumes the sources do not change while it lives.
//
// Told beforehand which sources the exports use (expect_layer), it keeps only the layers of
// sources that two or more of them use: an export builds the others itself, as without a
// memo, and so streams them to its registries while it builds them (one pass from the tree
// to the registry) and writes no copy into the memo's directory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

namespace lading {

class layer_memo {
public:
    layer_memo();
    ~layer_memo();
    layer_memo(const layer_memo&) = delete;
    layer_memo& operator=(const layer_memo&) = delete;

    // Counts one more use of `source` (a layer path) by the exports to come: each layer that
    // names it, in any export. Once anything was counted, only sources counted twice or more
    // go through the memo; with nothing counted, every source does. Counts add up for the
    // memo's whole life.
    void expect_layer(const std::filesystem::path& source);

    // How many layers were compressed, and how many times an export took one instead.
    std::size_t layers_built() const;
    std::size_t layers_reused() const;

    class state;  // the exporter's side (core/src/export/layer_memo_state.hpp)
    state& internals() { return *state_; }

private:
    std::unique_ptr<state> state_;
};

}  // namespace lading
