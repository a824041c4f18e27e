// The stores one export writes blobs into: the outputs' store backends, opened on first use,
// the private spool that holds the blobs of outputs that only push, and the record of the
// layers registries received while they were built, some of them kept nowhere else.
#pragma once

#include "export_plan.hpp"
#include "export/streamed_layers.hpp"
#include "export/unkept_layers.hpp"
#include "posix/owned_temporary_directory.hpp"

#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lading {

class export_destinations {
public:
    // A store plugin with a local root lives in the directory `location`; one without (a
    // daemon's store) at `daemon_address`, or its own default when that is "".
    export_destinations(plugin::catalog& plugins, std::filesystem::path location, std::string daemon_address = {});
    ~export_destinations();
    export_destinations(const export_destinations&) = delete;
    export_destinations& operator=(const export_destinations&) = delete;

    plugin::store* store(const std::string& backend);
    // A private temporary store for store=false,push=true: blobs wait there for the push
    // and are removed with it (lading-spool-<pid>-XXXXXX in big_file_directory(); one a
    // killed process left is removed by the next spool made there).
    plugin::store* spool();
    // Where an output's blobs go (nullptr: nowhere).
    plugin::store* of(const export_plan& plan, std::size_t output);
    // The distinct stores of several outputs, in the order the outputs are listed.
    std::vector<plugin::store*> of(const export_plan& plan, const std::vector<std::size_t>& outputs);
    streamed_layers& streamed() { return streamed_; }
    unkept_layers& unkept() { return unkept_; }

private:
    plugin::catalog& plugins_;
    std::filesystem::path location_;
    std::string daemon_address_;
    std::map<std::string, std::unique_ptr<plugin::store>> stores_;
    std::unique_ptr<owned_temporary_directory> spool_dir_;
    std::unique_ptr<plugin::store> spool_;  // declared after its directory: closed first
    streamed_layers streamed_;
    unkept_layers unkept_;
};

}  // namespace lading
