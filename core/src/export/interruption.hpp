// How the export stages honour export_request::stop: the same error wherever they notice it.
#pragma once

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <stop_token>
#include <string>

namespace lading {

// Throws lading::error (registry::errc::interrupted) naming `during` when a stop was requested.
inline void throw_if_stopped(const std::stop_token& stop, const std::string& during)
{
    if (stop.stop_requested()) throw error(registry::errc::interrupted, "interrupted " + during);
}

}  // namespace lading
