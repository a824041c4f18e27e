// Shortcuts for the registry tests: an export that pushes, reading the result back with
// skopeo and with ctr, and a docker config directory with credentials.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/containerd_fixture.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace lading::test {

// A DOCKER_CONFIG directory whose config.json has `auths` for host with user:password.
std::filesystem::path write_docker_config(const std::filesystem::path& dir, const std::string& host,
                                          const std::string& user, const std::string& password);

// The manifest digest skopeo sees for docker://REF (extra args e.g. --tls-verify=false).
std::string skopeo_digest(const std::string& ref, const std::vector<std::string>& extra);

// The sha256 of the manifest bytes skopeo fetches for docker://REF (works by digest too,
// where `skopeo inspect` would need a tag list).
std::string skopeo_raw_digest(const std::string& ref, const std::vector<std::string>& extra);

// A ctr --hosts-dir for an https registry at host:port trusting `ca`.
std::filesystem::path write_ctr_hosts_dir(const std::filesystem::path& dir, const std::string& host,
                                          const std::filesystem::path& ca);

// `ctr images pull` REF into the private containerd, then the digest ctr lists for it.
std::string ctr_pull_digest(const containerd_fixture& ctr, const std::string& ref,
                            const std::vector<std::string>& extra);

}  // namespace lading::test
