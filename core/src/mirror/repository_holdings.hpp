// Which content each repository of each upstream is known to hold. The cache is shared by
// every repository (content-addressed), but a client may read cached bytes under a
// repository only when that repository holds them upstream: otherwise anyone who learns a
// digest could read a private repository's layers under the name of any other. A
// repository is known to hold what the upstream served or answered for it, and what a
// manifest of it that the mirror serves lists (config, layers, an index's manifests). What
// manifests the upstream served list is kept as store records too, so a restarted mirror
// still serves it while the upstream is down; the rest is learnt again each run.
// Threading: on the mirror's strand only.
#pragma once

#include "mirror/upstream.hpp"

#include <lading/oci/digest.hpp>
#include <lading/plugin/store.hpp>

#include <set>
#include <string>
#include <utility>

namespace lading::mirror {

class repository_holdings {
public:
    explicit repository_holdings(plugin::store& store) : store_(store) {}

    bool holds(const upstream& from, const std::string& repository, const digest& d);
    void note(const upstream& from, const std::string& repository, const digest& d);
    // What the upstream served `repository` (a manifest and what it lists): remembered across runs too.
    void note_lasting(const upstream& from, const std::string& repository, const digest& d);

private:
    using key = std::pair<std::string, digest>;  // "<upstream name>\n<repository>", content
    static key key_of(const upstream& from, const std::string& repository, const digest& d);
    static std::string record_key(const key& k);
    // Two generations bound the memory: once the newer is full it becomes the older and the
    // oldest is forgotten, so what a pull under way has just learnt is kept.
    static void add(std::set<key>& newer, std::set<key>& older, const key& k);

    plugin::store& store_;
    std::set<key> known_, known_before_;
    std::set<key> recorded_, recorded_before_;  // whose store record is written
};

}  // namespace lading::mirror
