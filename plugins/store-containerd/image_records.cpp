#include "image_records.hpp"

#include "descriptor_json.hpp"

#include <optional>

namespace containerd_store {

namespace {

std::optional<api::images::Image> get_image(connection& c, const std::string& name)
{
    auto ctx = c.context(call_kind::read);
    api::images::GetImageRequest req;
    req.set_name(name);
    api::images::GetImageResponse resp;
    auto s = c.images().Get(ctx.get(), req, &resp);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
    c.check(s, "image " + name);
    return resp.image();
}

// The target (and only the target) of a record, created when missing. BuildKit's order:
// update, then create, then update again if another writer created it meanwhile.
void put_image(connection& c, const api::images::Image& image)
{
    for (int attempt = 0; attempt < 3; ++attempt) {
        {
            auto ctx = c.context(call_kind::leased);
            api::images::UpdateImageRequest req;
            *req.mutable_image() = image;
            req.mutable_update_mask()->add_paths("target");
            api::images::UpdateImageResponse resp;
            auto s = c.images().Update(ctx.get(), req, &resp);
            if (s.ok()) return;
            if (s.error_code() != grpc::StatusCode::NOT_FOUND) c.fail(s, "naming image " + image.name());
        }
        auto ctx = c.context(call_kind::leased);
        api::images::CreateImageRequest req;
        *req.mutable_image() = image;
        api::images::CreateImageResponse resp;
        auto s = c.images().Create(ctx.get(), req, &resp);
        if (s.ok()) return;
        if (s.error_code() != grpc::StatusCode::ALREADY_EXISTS) c.fail(s, "naming image " + image.name());
    }
    throw std::runtime_error("naming image " + image.name() + ": other writers keep changing it");
}

void delete_image(connection& c, const std::string& name)
{
    auto ctx = c.context(call_kind::read);
    api::images::DeleteImageRequest req;
    req.set_name(name);
    google::protobuf::Empty empty;
    (void)c.images().Delete(ctx.get(), req, &empty);
}

}  // namespace

std::vector<image_record> list_images(connection& c)
{
    auto ctx = c.context(call_kind::read);
    api::images::ListImagesRequest req;
    api::images::ListImagesResponse resp;
    c.check(c.images().List(ctx.get(), req, &resp), "listing images");
    std::vector<image_record> records;
    for (const auto& image : resp.images()) records.push_back({image.name(), to_json(image.target())});
    return records;
}

void bind_images(connection& c, const std::vector<image_record>& records)
{
    std::vector<std::pair<std::string, std::optional<api::images::Image>>> done;
    try {
        for (const auto& r : records) {
            auto before = get_image(c, r.name);
            api::images::Image image;
            image.set_name(r.name);
            *image.mutable_target() = from_json(r.target);
            put_image(c, image);
            done.emplace_back(r.name, std::move(before));
        }
    } catch (...) {
        for (auto it = done.rbegin(); it != done.rend(); ++it) {
            try {
                if (it->second) put_image(c, *it->second);
                else delete_image(c, it->first);
            } catch (...) {
            }
        }
        throw;
    }
}

}  // namespace containerd_store
