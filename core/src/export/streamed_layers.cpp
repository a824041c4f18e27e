#include "export/streamed_layers.hpp"

#include "registry/streaming_upload.hpp"
#include <lading/oci/reference.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

namespace lading {

namespace {

// The stores' output, with the same bytes streamed to registries as they are written.
class streaming_output : public blob_output {
public:
    streaming_output(std::unique_ptr<blob_output> kept, std::vector<registry::upload_target> targets,
                     std::stop_token stop, streamed_layers& record, holders_future holders)
        : kept_(std::move(kept)), targets_(std::move(targets)), stop_(std::move(stop)), holders_(std::move(holders)),
          record_(record)
    {
        if (!holders_.valid()) start_uploads();
    }
    void write(std::span<const std::uint8_t> bytes) override
    {
        kept_->write(bytes);
        if (holders_.valid()) {
            const bool known = holders_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
            if (!known && held_.size() + bytes.size() <= streamed_layers::hold_limit) {
                held_.insert(held_.end(), bytes.begin(), bytes.end());
                return;
            }
            start_uploads();
        }
        for (auto& u : uploads_) u->write(bytes);
    }
    void written(const digest& d) override
    {
        kept_->written(d);
        if (holders_.valid()) start_uploads();
        for (auto& u : uploads_) {
            u->close(d);
            record_.keep(std::move(u), d);
        }
        uploads_.clear();
    }
    void commit(const digest& d) override { kept_->commit(d); }

private:
    // Opens the uploads to the targets that do not hold the blob, and sends them what was held back.
    void start_uploads()
    {
        if (holders_.valid()) {
            for (const auto& h : holders_.get())
                std::erase_if(targets_, [&](const registry::upload_target& t) {
                    return t.domain == h.domain && t.repository == h.repository;
                });
            holders_ = {};
        }
        for (const auto& t : targets_) uploads_.push_back(std::make_unique<registry::streaming_upload>(t, stop_));
        for (auto& u : uploads_) u->write(held_);
        held_ = {};
    }

    std::unique_ptr<blob_output> kept_;
    std::vector<registry::upload_target> targets_;
    std::stop_token stop_;
    holders_future holders_;  // valid until the uploads are opened
    std::vector<std::uint8_t> held_;
    std::vector<std::unique_ptr<registry::streaming_upload>> uploads_;
    streamed_layers& record_;
};

}  // namespace

std::vector<registry::upload_target> streamed_layers::push_targets(const export_plan& plan,
                                                                   const layer_variant_plan& variant)
{
    std::vector<registry::upload_target> targets;
    for (auto o : variant.outputs)
        for (const auto& push : plan.outputs[o].pushes) {
            auto ref = parse_reference(plan.outputs[o].names.at(push.name).text);
            auto same = [&](const registry::upload_target& t) {
                return t.domain == ref.domain && t.repository == ref.repository;
            };
            if (std::none_of(targets.begin(), targets.end(), same))
                targets.push_back({ref.domain, ref.repository, plan.request.outputs[o].registry_insecure,
                                   &plan.request.hosts, plan.request.shared_greetings});
        }
    return targets;
}

void streamed_layers::stream_from(blob_sink& sink, const std::vector<registry::upload_target>& targets,
                                  std::stop_token stop, holders_future holders)
{
    if (targets.empty()) return;
    sink.wrap_outputs([this, targets, stop, holders](std::unique_ptr<blob_output> kept)
                          -> std::unique_ptr<blob_output> {
        return std::make_unique<streaming_output>(std::move(kept), targets, stop, *this, holders);
    });
}

std::vector<registry::streamed_blob> streamed_layers::streamed_to(const std::string& domain,
                                                                  const std::string& repository) const
{
    std::lock_guard lock(mutex_);
    std::vector<registry::streamed_blob> streamed;
    if (auto it = closed_.find({domain, repository}); it != closed_.end())
        for (const auto& c : it->second)
            streamed.push_back({c.blob, [upload = c.upload] { return upload->outcome(); }});
    return streamed;
}

void streamed_layers::keep(std::unique_ptr<registry::streaming_upload> upload, const digest& d)
{
    auto key = std::make_pair(upload->target().domain, upload->target().repository);
    std::lock_guard lock(mutex_);
    closed_[key].push_back({d, std::move(upload)});
}

}  // namespace lading
