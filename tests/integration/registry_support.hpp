// Shortcuts for the registry tests: the export most of them push, reading the result back
// with skopeo and with ctr, and a docker config directory with credentials.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/containerd_fixture.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"
#include "support.hpp"

namespace lading::test {

// An export of the small tree `flavour` (see make_small_tree; made under `work` on first use)
// with the one output `output`, the store work/"store" and the metadata file
// work/"<flavour>-meta.json", at a fixed SOURCE_DATE_EPOCH so that pushes are reproducible.
export_request small_tree_export(const std::filesystem::path& work, const std::string& output,
                                 const std::string& flavour = "small");

// A token server where robot:tok-pw may pull and push every repository, its tokens signed
// by `ca`; and how a registry_server is told to take them.
token_server_options robot_tokens(const test_ca& ca);
token_auth token_auth_for(const token_server& tokens, const test_ca& ca);

// A DOCKER_CONFIG directory whose config.json has `auths` for host with user:password.
std::filesystem::path write_docker_config(const std::filesystem::path& dir, const std::string& host,
                                          const std::string& user, const std::string& password);

// The manifest digest skopeo sees for docker://REF (extra args e.g. --tls-verify=false).
std::string skopeo_digest(const std::string& ref, const std::vector<std::string>& extra);

// The sha256 of the manifest bytes skopeo fetches for docker://REF (works by digest too,
// where `skopeo inspect` would need a tag list).
std::string skopeo_raw_digest(const std::string& ref, const std::vector<std::string>& extra);

// Whether skopeo finds a manifest at docker://REF on a plain-HTTP registry (a tag that a
// failed push must not have left).
bool skopeo_finds_manifest(const std::string& ref);

// skopeo copies docker://REF (a plain-HTTP registry) into dir:DIR, checking every blob
// against its digest; required to succeed.
void require_skopeo_copy_intact(const std::string& ref, const std::filesystem::path& dir);

// A ctr --hosts-dir for an https registry at host:port trusting `ca`.
std::filesystem::path write_ctr_hosts_dir(const std::filesystem::path& dir, const std::string& host,
                                          const std::filesystem::path& ca);

// `ctr images pull` REF into the private containerd, then the digest ctr lists for it.
std::string ctr_pull_digest(const containerd_fixture& ctr, const std::string& ref,
                            const std::vector<std::string>& extra);

}  // namespace lading::test
