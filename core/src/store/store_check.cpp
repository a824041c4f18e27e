#include <lading/error.hpp>
#include <lading/store/store_check.hpp>

#include "export/push_hints.hpp"
#include "layer/conversion_cache.hpp"
#include "store/unpacked_area_check.hpp"

#include <boost/json/parse.hpp>

#include <map>
#include <set>

namespace lading {

namespace {

constexpr std::size_t document_limit = 4 << 20;

struct blob_state {
    std::uint64_t size;
    bool intact;
};

class checker {
public:
    explicit checker(plugin::store& store) : store_(store) {}

    store_check_report run()
    {
        for (const auto& c : store_.contents()) note_content(c);
        plugin::name_listing listing;
        try {
            listing = store_.list_names();
        } catch (const std::exception& e) {
            fault(std::string("index.json: ") + e.what());
            return std::move(report_);
        }
        report_.names = listing.names.size();
        for (const auto& u : listing.unreadable)
            fault("unreadable: " + (u.name.empty() ? u.problem : "name \"" + u.name + "\": " + u.problem));
        std::map<std::string, std::size_t> entries_of;
        for (const auto& n : listing.names) ++entries_of[n.name];
        for (const auto& [name, count] : entries_of)
            if (count > 1)
                fault("ambiguous: name \"" + name + "\" has " + std::to_string(count) +
                      " entries (readers such as umoci refuse it; an export of the name leaves one)");
        for (const auto& n : listing.names) follow(n.descriptor, "name " + n.name);
        for (const auto& [d, state] : blobs_)
            if (!reached_.contains(d)) {
                ++report_.dangling;
                info("dangling: " + d + " (" + std::to_string(state.size) + " bytes) is reached by no name");
            }
        check_records(layer::conversion_record_prefix, "conversion record", [&](const std::string& key, const std::string& text) {
            auto c = layer::parse_conversion_record(text);
            if (!c) return false;
            auto it = blobs_.find(c->blob.str());
            if (it == blobs_.end() || it->second.size != c->size)
                info("stale: record " + key + " names " + c->blob.str() + " (" + std::to_string(c->size) +
                     " bytes), which the store does not hold: the layer is converted again when needed");
            return true;
        });
        check_records(push_hint_record_prefix, "push hint",
                      [](const std::string&, const std::string& text) { return parse_push_hint(text).has_value(); });
        check_unpacked();
        return std::move(report_);
    }

private:
    void fault(std::string text)
    {
        ++report_.faults;
        report_.findings.push_back({true, std::move(text)});
    }
    void info(std::string text) { report_.findings.push_back({false, std::move(text)}); }

    void note_content(const plugin::store_content& c)
    {
        using kind = plugin::content_kind;
        switch (c.kind) {
        case kind::blob: {
            ++report_.blobs;
            auto got = hash_of(c.name);
            bool intact = got == c.name;
            if (!intact) fault("corrupt: blob " + c.name + " holds other bytes (they hash to " + got + ")");
            blobs_[c.name] = {c.size, intact};
            break;
        }
        case kind::temporary_in_use:
            ++report_.temporaries;
            info("temporary: " + c.name + " (" + std::to_string(c.size) + " bytes) is being written by a running process");
            break;
        case kind::temporary_abandoned:
            ++report_.temporaries;
            info("temporary: " + c.name + " (" + std::to_string(c.size) +
                 " bytes) was abandoned by its writer; the next write to the store removes it");
            break;
        case kind::stray: fault("stray: " + c.name + " does not belong there (a link, or a file that is no blob)"); break;
        }
    }

    // Only the oci-layout store keeps root filesystems in its directory (unpacked/sha256/...).
    void check_unpacked()
    {
        const auto root = store_.local_root();
        if (store_.backend() != "oci-layout" || !root) return;
        report_.unpacked = check_unpacked_area(
            *root, {
                       .fault = [&](std::string text) { fault(std::move(text)); },
                       .note = [&](std::string text) { info(std::move(text)); },
                       .temporary =
                           [&](std::string text) {
                               ++report_.temporaries;
                               info(std::move(text));
                           },
                       .manifest_problem = [&](const digest& d) { return manifest_problem(d); },
                   });
    }

    // Why the blob `d` is not an image manifest a root filesystem could come from.
    std::optional<std::string> manifest_problem(const digest& d)
    {
        auto it = blobs_.find(d.str());
        if (it == blobs_.end()) return "which the store does not hold";
        if (!it->second.intact) return std::nullopt;  // already reported as corrupt
        boost::system::error_code ec;
        boost::json::value doc;
        try {
            doc = boost::json::parse(store_.read_small_blob(d, document_limit), ec);
        } catch (const std::exception&) {
            ec = boost::json::error::syntax;
        }
        const auto* o = ec ? nullptr : doc.if_object();
        if (!o || !o->contains("config") || !o->contains("layers")) return "which is not an image manifest";
        return std::nullopt;
    }

    // The records under `prefix`, each readable and what `understood` takes for one; a record
    // lading cannot use is ignored by it (and rewritten when needed), but its file is damaged.
    template <typename Understood>
    void check_records(const std::string& prefix, const std::string& what, Understood understood)
    {
        std::vector<plugin::stored_record> records;
        try {
            records = store_.list_metadata(prefix);
        } catch (const std::exception& e) {
            fault(std::string("records: ") + e.what());
            return;
        }
        for (const auto& r : records) {
            ++report_.records;
            if (!r.value)
                fault("corrupt: record " + r.key + " cannot be read");
            else if (!understood(r.key, *r.value))
                fault("corrupt: record " + r.key + " is not a " + what);
        }
    }

    std::string hash_of(const std::string& name)
    {
        auto d = digest::parse(name);
        if (!d) return "(not a digest)";
        try {
            auto src = store_.open_blob(*d);
            sha256_hasher hash;
            std::vector<std::uint8_t> buf(1 << 20);
            while (auto n = src->read(buf)) hash.update(std::span<const std::uint8_t>(buf.data(), n));
            return hash.finish().str();
        } catch (const std::exception& e) {
            return std::string("(unreadable: ") + e.what() + ")";
        }
    }

    // Checks one descriptor's blob and, for an index or a manifest, what it refers to.
    void follow(const descriptor& d, const std::string& via)
    {
        const auto key = d.digest.str();
        auto it = blobs_.find(key);
        if (it == blobs_.end()) {
            fault("missing: " + key + " (" + via + ") is not in the store");
            return;
        }
        const bool first_visit = reached_.insert(key).second;
        if (it->second.size != d.size) {
            fault("size: " + key + " (" + via + ") has " + std::to_string(it->second.size) +
                  " bytes, its descriptor says " + std::to_string(d.size));
            return;
        }
        if (!it->second.intact) return;  // already reported as corrupt
        if (!first_visit) return;
        if (!is_document(d)) return;

        boost::system::error_code ec;
        auto doc = boost::json::parse(store_.read_small_blob(d.digest, document_limit), ec);
        if (ec || !doc.is_object()) {
            fault("corrupt: " + key + " (" + via + ") is not a JSON document");
            return;
        }
        const auto& o = doc.as_object();
        try {
            if (auto* m = o.if_contains("manifests"); m && m->is_array())
                for (const auto& child : m->as_array()) follow(descriptor::from_json(child), "child of " + key);
            if (auto* c = o.if_contains("config")) follow(descriptor::from_json(*c), "config of " + key);
            if (auto* l = o.if_contains("layers"); l && l->is_array())
                for (const auto& layer : l->as_array()) follow(descriptor::from_json(layer), "layer of " + key);
        } catch (const std::exception& e) {
            fault("corrupt: " + key + " (" + via + ") has a bad descriptor: " + e.what());
        }
    }

    static bool is_document(const descriptor& d)
    {
        const auto& t = d.media_type;
        return t.empty() || t.find("manifest") != std::string::npos || t.find("index") != std::string::npos;
    }

    plugin::store& store_;
    store_check_report report_;
    std::map<std::string, blob_state> blobs_;
    std::set<std::string> reached_;
};

}  // namespace

store_check_report check_store(plugin::store& store) { return checker(store).run(); }

}  // namespace lading
