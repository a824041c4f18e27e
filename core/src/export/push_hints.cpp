#include "export/push_hints.hpp"
#include "xdg_directory.hpp"

#include "posix/atomic_file.hpp"
#include <lading/oci/canonical_json.hpp>
#include <lading/plugin/store.hpp>
#include <lading/version.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace lading {

namespace {

constexpr std::size_t largest_hint = 4096;

std::string metadata_key(const std::string& key) { return push_hint_record_prefix + std::string("sha256/") + key; }

bool is_hint_file_name(const std::string& name)
{
    return name.size() == 64 + 5 && name.ends_with(".json") &&
           std::all_of(name.begin(), name.begin() + 64, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// Removes the hint files used longest ago until at most `keep` are left.
void prune_hint_files(const std::filesystem::path& dir, std::size_t keep)
{
    std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> hints;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (!is_hint_file_name(entry.path().filename().string())) continue;
        auto used = entry.last_write_time(ec);
        if (!ec) hints.emplace_back(used, entry.path());
    }
    if (hints.size() <= keep) return;
    std::sort(hints.begin(), hints.end());
    for (std::size_t i = 0; i < hints.size() - keep; ++i) std::filesystem::remove(hints[i].second, ec);
}

}  // namespace

std::optional<push_hint> parse_push_hint(const std::string& text)
{
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto& o = value.as_object();
    try {
        push_hint hint{digest::parse_or_throw(o.at("fingerprint").as_string(), "push hint"),
                       digest::parse_or_throw(o.at("digest").as_string(), "push hint"),
                       o.at("size").to_number<std::uint64_t>()};
        if (const auto* used = o.if_contains("used")) hint.used = used->to_number<std::int64_t>();
        return hint;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string push_hint_key(const std::filesystem::path& source, const layer_variant_plan& variant)
{
    std::error_code ec;
    auto absolute = std::filesystem::absolute(source, ec);
    boost::json::object material{{"lading", std::string(version())},
                                 {"source", (ec ? source : absolute).lexically_normal().string()},
                                 {"compression", variant.compression},
                                 {"level", variant.level}};
    if (variant.clamp) material["clamp"] = *variant.clamp;
    sha256_hasher hash;
    hash.update(canonical_json(material));
    return std::string(hash.finish().hex());
}

push_hint_book::push_hint_book(std::vector<plugin::store*> stores_with_metadata, std::size_t keep)
    : stores_(std::move(stores_with_metadata)), keep_(keep)
{
    if (stores_.empty()) cache_ = lading_cache_directory();
}

std::optional<push_hint> push_hint_book::find(const std::string& key) const
{
    try {
        for (auto* s : stores_)
            if (auto text = s->get_metadata(metadata_key(key)))
                if (auto hint = parse_push_hint(*text)) return hint;
        if (cache_) {
            const auto file = *cache_ / "push-hints" / (key + ".json");
            if (auto text = read_small_file(file, largest_hint)) {
                auto hint = parse_push_hint(*text);
                std::error_code ec;
                if (hint) std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now(), ec);
                return hint;
            }
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

void push_hint_book::remember(const std::string& key, push_hint hint) const
{
    using std::chrono::system_clock;
    hint.used = std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count();
    const auto text = canonical_json(boost::json::object{{"fingerprint", hint.fingerprint.str()},
                                                         {"digest", hint.blob.str()},
                                                         {"size", hint.size},
                                                         {"used", hint.used}});
    for (auto* s : stores_) {
        try {
            s->put_metadata(metadata_key(key), text);
        } catch (const std::exception&) {
        }
    }
    if (!stores_tidied_->test_and_set()) tidy_stores();
    if (!cache_) return;
    try {
        replace_file_atomically(*cache_ / "push-hints" / (key + ".json"), text, 0644,
                                replacement_durability::cache_only);
        prune_hint_files(*cache_ / "push-hints", keep_);
    } catch (const std::exception&) {
    }
}

// Drops the hints of each store written longest ago, beyond the `keep_` latest. Records that
// are not hints stay: `lading store check` reports them.
void push_hint_book::tidy_stores() const
{
    for (auto* s : stores_) {
        if (!s->features().list_metadata || !s->features().remove_metadata) continue;
        try {
            std::vector<std::pair<std::int64_t, std::string>> hints;
            for (const auto& record : s->list_metadata(push_hint_record_prefix))
                if (auto hint = record.value ? parse_push_hint(*record.value) : std::nullopt)
                    hints.emplace_back(hint->used, record.key);
            if (hints.size() <= keep_) continue;
            std::sort(hints.begin(), hints.end());
            for (std::size_t i = 0; i < hints.size() - keep_; ++i) s->remove_metadata(hints[i].second);
        } catch (const std::exception&) {
        }
    }
}

}  // namespace lading
