// Hints that spare a repeat push of an unchanged tree its upload: after a new layer is built
// for a push, lading notes the fingerprint of its source (layer/source_fingerprint.hpp) and
// the blob it gave. The next export of the same source with the same settings finds the note;
// when the fingerprint still matches and the repository already holds that blob, the layer
// is not streamed there while it is built.
//
// A hint is never trusted for correctness: the push that follows the build asks the
// registry for every blob the image really has. When the built blob is the hinted one the
// push skips it; when the tree changed in a way the fingerprint missed, the new blob is
// uploaded from the store or spool like any blob that was not streamed. A wrong hint costs
// time, never a wrong image. Hints that cannot be read or written are ignored.
#pragma once

#include "export_plan.hpp"
#include "xdg_directory.hpp"
#include <lading/oci/digest.hpp>

#include <cstdint>
#include <atomic>
#include <memory>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lading {

namespace plugin {
class store;
}

struct push_hint {
    digest fingerprint;  // of the layer's source when it was built
    digest blob;         // the compressed layer it gave
    std::uint64_t size = 0;
    std::int64_t used = 0;  // when it was last written (Unix seconds); 0 in hints from before
};

// The key prefix of the hints a store keeps as its records ("push-hints/sha256/<hex name>").
inline constexpr const char* push_hint_record_prefix = "push-hints/";

// A hint as written; nullopt when `text` is not one.
std::optional<push_hint> parse_push_hint(const std::string& text);

// The hex name of the hint for `source` built as `variant`: everything that decides the
// layer's bytes (the absolute source path, compression, level, time clamp, lading's version).
std::string push_hint_key(const std::filesystem::path& source, const layer_variant_plan& variant);

// Where one variant's hints live: in the metadata of the stores its layers are kept in
// (those that keep metadata), else in files under the cache directory. Each keeps the `keep`
// hints used last (the cache: a file's mtime is its last use; a store: the time the hint
// was last written); older ones are dropped when a new one is written, so CI runners
// exporting from fresh paths fill neither. A store is tidied once per book, as it is listed.
class push_hint_book {
public:
    static constexpr std::size_t default_keep = 1000;

    explicit push_hint_book(std::vector<plugin::store*> stores_with_metadata, std::size_t keep = default_keep);

    std::optional<push_hint> find(const std::string& key) const;
    // `hint.used` is set to now.
    void remember(const std::string& key, push_hint hint) const;

private:
    void tidy_stores() const;

    std::vector<plugin::store*> stores_;
    std::optional<std::filesystem::path> cache_;
    std::size_t keep_;
    std::shared_ptr<std::atomic_flag> stores_tidied_ = std::make_shared<std::atomic_flag>();
};

}  // namespace lading
