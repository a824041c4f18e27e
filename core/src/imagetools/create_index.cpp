#include "imagetools/create_index.hpp"
#include "imagetools/image_origin.hpp"
#include "imagetools/index_publisher.hpp"
#include "imagetools/source_images.hpp"
#include "imagetools/source_reference.hpp"
#include "imagetools/store_publisher.hpp"

#include "registry/session.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>

#include <map>
#include <optional>
#include <string_view>

namespace lading::imagetools {

namespace {

// Opens each origin once, however many sources read from it.
class origins {
public:
    origins(const create_request& request, plugin::catalog& plugins) : request_(request), plugins_(plugins) {}

    std::shared_ptr<image_origin> registry(const image_reference& ref)
    {
        auto& o = by_key_["registry " + ref.domain + "/" + ref.repository];
        if (!o)
            o = std::make_shared<image_origin>(ref.domain, ref.repository,
                                               registry::options_for(ref.domain, &request_.hosts, false), request_.stop);
        return o;
    }

    std::shared_ptr<image_origin> layout(const std::string& dir)
    {
        auto& o = by_key_["layout " + dir];
        if (!o) {
            if (!std::filesystem::exists(std::filesystem::path(dir) / "index.json"))
                throw error(dir + " is not an OCI image layout (no index.json)");
            auto store = std::make_shared<plugin::store>(plugins_.get(LADING_KIND_STORE, "oci-layout"), dir,
                                                         plugin::open_mode::read_only);
            o = std::make_shared<image_origin>(std::move(store), "oci-layout://" + dir);
        }
        return o;
    }

    // The local store when it holds `name`.
    std::shared_ptr<image_origin> store_holding(const std::string& name)
    {
        if (!store_checked_) {
            store_checked_ = true;
            if (std::filesystem::exists(request_.store_location / "index.json")) {
                auto store = std::make_shared<plugin::store>(plugins_.get(LADING_KIND_STORE, "oci-layout"),
                                                             request_.store_location.string(),
                                                             plugin::open_mode::read_only);
                store_ = std::make_shared<image_origin>(std::move(store), "the store " + request_.store_location.string());
            }
        }
        if (!store_) return nullptr;
        try {
            store_->manifest(name);
            return store_;
        } catch (const error&) {
            return nullptr;
        }
    }

private:
    const create_request& request_;
    plugin::catalog& plugins_;
    std::map<std::string, std::shared_ptr<image_origin>> by_key_;
    bool store_checked_ = false;
    std::shared_ptr<image_origin> store_;
};

// A target is a registry reference, completed as docker does ("user/app:1" is on docker.io),
// unless it is written "store://NAME": a name in the local store.
constexpr std::string_view store_scheme = "store://";

std::optional<std::string> local_store_name(const std::string& text)
{
    if (!text.starts_with(store_scheme)) return std::nullopt;
    return text.substr(store_scheme.size());
}

struct targets {
    std::vector<image_reference> registry;
    std::vector<std::string> store;  // names as given
    bool empty() const { return registry.empty() && store.empty(); }
};

targets parse_targets(const std::vector<std::string>& texts)
{
    targets out;
    for (const auto& t : texts) {
        if (t == store_scheme) throw usage_error("-t " + t + ": store:// needs a name, e.g. store://app:1");
        image_reference ref;
        try {
            ref = parse_reference(local_store_name(t).value_or(t));
        } catch (const std::exception& e) {
            throw usage_error("-t " + t + ": " + e.what());
        }
        if (!ref.digest.empty()) throw usage_error("-t " + t + ": a target names a tag, not a digest");
        if (auto name = local_store_name(t)) {
            out.store.push_back(*name);
            continue;
        }
        if (ref.tag.empty()) ref.tag = "latest";
        out.registry.push_back(ref);
    }
    return out;
}

struct gathered {
    std::vector<index_child> children;
    annotation_map carried;
    std::map<digest, std::shared_ptr<image_origin>> origin_of;
};

void add(gathered& g, const source_images& images, const std::shared_ptr<image_origin>& origin)
{
    for (const auto& c : images.children) {
        g.children.push_back(c);
        g.origin_of.emplace(c.descriptor.digest, origin);
    }
}

}  // namespace

composed_index create_index(const create_request& request, plugin::catalog& plugins, progress_listener& progress)
{
    auto targets = parse_targets(request.targets);
    if (targets.empty() && !request.dry_run)
        throw usage_error("no target given; add -t REGISTRY/REPOSITORY:TAG (or -t store://NAME for the local store)");
    if (request.append && targets.empty()) throw usage_error("--append needs -t: the index appended to is the first one");
    std::vector<annotation_request> annotations;
    for (const auto& a : request.annotations) annotations.push_back(parse_annotation_request(a));

    // A SOURCE the local store holds is read from there; metadata files name pushed images, or
    // stored ones by digest.
    std::vector<std::pair<source_reference, bool>> sources;  // with: may be a store name
    for (const auto& s : request.sources) sources.emplace_back(parse_source(s), true);
    for (const auto& f : request.metadata_files)
        for (auto& s : sources_from_metadata_file(f)) sources.emplace_back(std::move(s), false);
    if (sources.empty() && !request.append)
        throw usage_error("no source given; name images (REG/REPO@sha256:..., oci-layout://DIR:TAG, a store name) or --from-metadata FILE");

    origins open(request, plugins);
    gathered g;
    if (request.append) {
        const auto& first = request.targets.front();
        std::shared_ptr<image_origin> origin;
        std::string reference;
        if (!local_store_name(first)) {
            const auto& ref = targets.registry.front();
            origin = open.registry(ref);
            reference = ref.tag;
        } else {
            reference = *local_store_name(first);
            origin = open.store_holding(reference);
            if (!origin) throw error("--append " + first + ": no such name in the store " + request.store_location.string());
        }
        auto images = read_source_images(*origin, reference, "--append " + first);
        g.carried = images.index_annotations;
        add(g, images, origin);
    }
    for (const auto& [s, may_be_store] : sources) {
        if (s.kind == source_kind::layout) {
            add(g, read_source_images(*open.layout(s.layout_dir), s.reference, s.text), open.layout(s.layout_dir));
        } else if (auto held = s.kind == source_kind::store ? open.store_holding(s.reference) : nullptr) {
            add(g, read_source_images(*held, s.reference, s.text), held);
        } else if (s.kind == source_kind::store) {
            try {
                add(g, read_source_images(*open.registry(s.image), s.image.digest, s.text), open.registry(s.image));
            } catch (const error& e) {
                throw error(s.text + ": the store " + request.store_location.string() +
                            " does not hold it (give --store the export's store), nor does its registry: " + e.what());
            }
        } else if (auto store = may_be_store ? open.store_holding(s.text) : nullptr) {
            add(g, read_source_images(*store, s.text, s.text), store);
        } else {
            auto reference = !s.image.digest.empty() ? s.image.digest : (s.image.tag.empty() ? "latest" : s.image.tag);
            add(g, read_source_images(*open.registry(s.image), reference, s.text), open.registry(s.image));
        }
    }

    auto index = compose_index(g.children, g.carried, annotations);
    if (request.dry_run) return index;

    if (!targets.registry.empty()) {
        publish_request publish;
        publish.index = &index;
        publish.origin_of = g.origin_of;
        publish.targets = targets.registry;
        publish.hosts = &request.hosts;
        publish.stop = request.stop;
        publish_index(publish, plugins, progress);
    }
    if (!targets.store.empty()) {
        plugin::store store(plugins.get(LADING_KIND_STORE, "oci-layout"), request.store_location.string());
        store_index(index, g.origin_of, targets.store, store);
        for (const auto& name : targets.store) progress.step("named " + name + " in " + store.location());
    }
    return index;
}

}  // namespace lading::imagetools
