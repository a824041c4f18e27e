#include "export/blob_sink.hpp"
#include <lading/plugin/store.hpp>

namespace lading {

namespace {
class tee_output : public blob_output {
public:
    explicit tee_output(const std::vector<plugin::store*>& stores)
    {
        for (auto* s : stores) writers_.push_back(s->begin_blob());
    }
    void write(std::span<const std::uint8_t> bytes) override
    {
        for (auto& w : writers_) w->write(bytes);
    }
    void commit(const digest& d) override
    {
        for (auto& w : writers_) w->commit(d);
    }

private:
    std::vector<std::unique_ptr<plugin::blob_writer>> writers_;
};
}  // namespace

blob_sink::blob_sink(std::vector<plugin::store*> stores) : stores_(std::move(stores)) {}

std::unique_ptr<blob_output> blob_sink::begin() const
{
    auto output = std::make_unique<tee_output>(stores_);
    if (wrap_) return wrap_(std::move(output));
    return output;
}

void blob_sink::put(const digest& d, std::string_view bytes) const
{
    for (auto* s : stores_) {
        if (s->blob_size(d)) continue;
        auto w = s->begin_blob();
        w->write(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        w->commit(d);
    }
}

}  // namespace lading
