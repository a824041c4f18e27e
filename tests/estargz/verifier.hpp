// Running the Go verifier (verify/main.go, on containerd's stargz-snapshotter library)
// on a blob, and reading what it found.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace estargz_test {

struct verifier_report {
    bool ok = false;
    std::string output;  // the command, exit status, stdout and stderr, for messages
    std::string toc_digest;
    std::string diff_id;
    std::uint64_t uncompressed_size = 0;
    std::size_t entries = 0, chunks = 0;
};

// FAILs the running test case when the verifier has not been built.
verifier_report run_verifier(const std::filesystem::path& blob, const std::string& toc_digest);

// The string values of a JSON object (the plugin's or a descriptor's annotations).
std::string annotation(const std::string& json_object, const std::string& key);

}  // namespace estargz_test
