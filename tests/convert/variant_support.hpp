// Shared by the variant tests: an original image exported by lading, `lading convert` runs,
// and the store read back with the test's own OCI layout reader.
#pragma once

#include "common/image_view.hpp"
#include "common/oci_layout.hpp"
#include "common/process.hpp"
#include "common/store_snapshot.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace variant_test {

namespace fs = std::filesystem;

// Two layers (a small tree and one with a `big_file_size`-byte random file) exported with
// gzip as `name` into `store`; returns the root digest.
std::string export_original(const fs::path& work, const fs::path& store, const std::string& name,
                            std::uint64_t big_file_size = 300000, const std::string& extra_output = "oci-mediatypes=true");

lading::test::process_result run_convert(const fs::path& store, std::vector<std::string> args);
// run_convert, REQUIREd to succeed; returns the digest it prints.
std::string convert_ok(const fs::path& store, const std::string& source, const std::string& compression,
                       std::vector<std::string> extra = {});

// The subject a variant document names for `digest`: its stored media type and size.
boost::json::object expected_subject(const fs::path& store, const std::string& digest);

// Entries of `before` that `after` lost or changed, index.json aside (names may be added).
std::vector<std::string> changed_entries(const lading::test::store_snapshot& before,
                                         const lading::test::store_snapshot& after);

// `umoci unpack --rootless` of LAYOUT:NAME into `bundle`; REQUIREs success and returns the rootfs.
fs::path umoci_unpack(const fs::path& layout, const std::string& name, const fs::path& bundle);

}  // namespace variant_test
