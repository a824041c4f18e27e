#include "convert/image_variant.hpp"

#include <lading/error.hpp>

namespace lading::convert {

descriptor make_variant(plugin::store&, plugin::catalog&, const descriptor&, const variant_request& request,
                        std::stop_token)
{
    throw lading::error("converting images to " + request.compression + " variants is not built yet");
}

}  // namespace lading::convert
