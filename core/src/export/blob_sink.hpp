// Where finished blobs go: one or more stores, or nowhere (store=false without push).
#pragma once

#include <lading/oci/digest.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace lading {

namespace plugin {
class store;
}

class blob_output {
public:
    virtual ~blob_output() = default;
    virtual void write(std::span<const std::uint8_t> bytes) = 0;
    // Every byte is written and the blob hashes to `d`; nothing is durable yet. An output
    // that also sends the bytes elsewhere (a registry) finishes sending there.
    virtual void written(const digest& /*d*/) {}
    // Makes the blob durable under `d`; without commit the output is discarded.
    virtual void commit(const digest& d) = 0;
};

class blob_sink {
public:
    // Every store in `stores` receives each blob; with none, blobs are hashed and dropped.
    explicit blob_sink(std::vector<plugin::store*> stores);
    std::unique_ptr<blob_output> begin() const;
    void put(const digest& d, std::string_view bytes) const;
    bool empty() const { return stores_.empty(); }
    const std::vector<plugin::store*>& stores() const { return stores_; }
    // Each output begun from now on is `wrap`'s wrapper around the stores' output.
    using output_wrapper = std::function<std::unique_ptr<blob_output>(std::unique_ptr<blob_output>)>;
    void wrap_outputs(output_wrapper wrap) { wrap_ = std::move(wrap); }

private:
    std::vector<plugin::store*> stores_;
    output_wrapper wrap_;
};

}  // namespace lading
