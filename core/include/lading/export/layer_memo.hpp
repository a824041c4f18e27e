// Layers shared between exports. Exports that carry the same layer_memo (export_request::
// layer_memo) compress a layer once: the same source path, compression, level and time clamp
// give the same blob, so the first export that needs it builds it and the others take its
// bytes. An export waits while another one builds a layer it needs.
//
// The memo keeps every blob it built in a private temporary directory (under $TMPDIR) until it
// is destroyed, and assumes the sources do not change while it lives.
#pragma once

#include <cstddef>
#include <memory>

namespace lading {

class layer_memo {
public:
    layer_memo();
    ~layer_memo();
    layer_memo(const layer_memo&) = delete;
    layer_memo& operator=(const layer_memo&) = delete;

    // How many layers were compressed, and how many times an export took one instead.
    std::size_t layers_built() const;
    std::size_t layers_reused() const;

    class state;  // the exporter's side (core/src/export/layer_memo_state.hpp)
    state& internals() { return *state_; }

private:
    std::unique_ptr<state> state_;
};

}  // namespace lading
