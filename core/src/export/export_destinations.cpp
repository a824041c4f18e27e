#include "export_destinations.hpp"

#include "posix/big_file_directory.hpp"

#include <algorithm>

namespace lading {

export_destinations::export_destinations(plugin::catalog& plugins, std::filesystem::path location,
                                         std::string daemon_address)
    : plugins_(plugins), location_(std::move(location)), daemon_address_(std::move(daemon_address))
{
}

export_destinations::~export_destinations()
{
    spool_.reset();  // closed before its directory goes
}

plugin::store* export_destinations::store(const std::string& backend)
{
    auto& s = stores_[backend];
    if (!s) {
        const auto& plugin = plugins_.get(LADING_KIND_STORE, backend);
        s = std::make_unique<plugin::store>(plugin, plugin::location_for(plugin, location_, daemon_address_));
    }
    return s.get();
}

plugin::store* export_destinations::spool()
{
    if (!spool_) {
        spool_dir_ = std::make_unique<owned_temporary_directory>(big_file_directory(), "lading-spool-",
                                                                 "for the push");
        spool_ = std::make_unique<plugin::store>(plugins_.get(LADING_KIND_STORE, "oci-layout"), spool_dir_->path().string(),
                                                plugin::open_mode::scratch);
    }
    return spool_.get();
}

plugin::store* export_destinations::of(const export_plan& plan, std::size_t output)
{
    switch (plan.outputs.at(output).destination) {
    case blob_destination::store: return store(plan.request.outputs[output].store_backend);
    case blob_destination::spool: return spool();
    case blob_destination::nowhere: break;
    }
    return nullptr;
}

std::vector<plugin::store*> export_destinations::of(const export_plan& plan, const std::vector<std::size_t>& outputs)
{
    std::vector<plugin::store*> stores;
    for (auto o : outputs)
        if (auto* s = of(plan, o); s && std::find(stores.begin(), stores.end(), s) == stores.end()) stores.push_back(s);
    return stores;
}

}  // namespace lading
