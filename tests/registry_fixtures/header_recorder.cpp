#include "registry_fixtures/header_recorder.hpp"

#include <algorithm>

#include <boost/beast/core/string.hpp>

namespace lading::test {

bool recorded_request::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return boost::beast::iequals(h.first, name); });
}

std::string recorded_request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (boost::beast::iequals(k, name)) return v;
    return {};
}

void header_recorder::record(const http_request& request) {
    recorded_request r;
    r.method = std::string(request.method_string());
    r.target = std::string(request.target());
    for (const auto& field : request)
        r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(r));
}

std::vector<recorded_request> header_recorder::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::size_t header_recorder::size() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
}

std::size_t header_recorder::count_with_header(std::string_view name) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(requests_.begin(), requests_.end(), [&](const auto& r) { return r.has_header(name); }));
}

void header_recorder::clear() {
    std::lock_guard lock(mutex_);
    requests_.clear();
}

}  // namespace lading::test
