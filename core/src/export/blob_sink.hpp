// Where finished blobs go: one or more stores, or nowhere (store=false without push).
#pragma once

#include <lading/oci/digest.hpp>

#include <cstdint>
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

private:
    std::vector<plugin::store*> stores_;
};

}  // namespace lading
