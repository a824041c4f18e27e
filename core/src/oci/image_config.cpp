#include <lading/oci/image_config.hpp>

#include <ctime>

namespace lading {

namespace {
// The PATH an image without a base starts with, as BuildKit sets it for the image's OS.
std::string default_path(const std::string& os)
{
    if (os == "windows") return R"(PATH=c:\Windows\System32;c:\Windows;C:\Windows\System32\WindowsPowerShell\v1.0)";
    return "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

boost::json::array strings(const std::vector<std::string>& v)
{
    boost::json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}

// Later K=V entries replace earlier ones with the same K, keeping the first position.
std::vector<std::string> merge_env(const std::string& os, const std::vector<std::string>& given)
{
    std::vector<std::string> out{default_path(os)};
    for (const auto& kv : given) {
        auto key = kv.substr(0, kv.find('='));
        bool replaced = false;
        for (auto& existing : out)
            if (existing.substr(0, existing.find('=')) == key) {
                existing = kv;
                replaced = true;
            }
        if (!replaced) out.push_back(kv);
    }
    return out;
}
}  // namespace

std::string rfc3339_utc(std::int64_t seconds)
{
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

boost::json::object build_image_config(const image_settings& settings, const std::vector<digest>& diff_ids,
                                       const std::vector<layer_history>& history, std::int64_t created)
{
    boost::json::object runtime;
    runtime["Env"] = strings(merge_env(settings.platform.os, settings.env));
    runtime["WorkingDir"] = settings.workdir.value_or("").empty() ? "/" : *settings.workdir;
    // An empty list is left out, as image tools write it.
    if (settings.entrypoint && !settings.entrypoint->empty()) runtime["Entrypoint"] = strings(*settings.entrypoint);
    if (settings.cmd && !settings.cmd->empty()) runtime["Cmd"] = strings(*settings.cmd);
    if (!settings.user.value_or("").empty()) runtime["User"] = *settings.user;
    if (!settings.labels.empty()) {
        boost::json::object labels;
        for (const auto& [k, v] : settings.labels) labels[k] = v;
        runtime["Labels"] = std::move(labels);
    }

    boost::json::array ids;
    for (const auto& d : diff_ids) ids.emplace_back(d.str());
    boost::json::object rootfs{{"type", "layers"}, {"diff_ids", std::move(ids)}};

    const auto when = rfc3339_utc(created);
    boost::json::array hist;
    for (const auto& h : history) {
        boost::json::object entry{{"created", when}, {"created_by", h.created_by}};
        if (!h.comment.empty()) entry["comment"] = h.comment;
        hist.emplace_back(std::move(entry));
    }

    boost::json::object config = settings.platform.to_json();
    config["created"] = when;
    config["config"] = std::move(runtime);
    config["rootfs"] = std::move(rootfs);
    config["history"] = std::move(hist);
    return config;
}

}  // namespace lading
