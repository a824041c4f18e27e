#include "export_metadata.hpp"

#include <lading/error.hpp>
#include <lading/oci/canonical_json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace lading::cli {

namespace {

boost::json::object metadata_of(const output_result& r)
{
    boost::json::object m;
    m["containerimage.digest"] = r.root.digest.str();
    if (!r.config.str().empty()) m["containerimage.config.digest"] = r.config.str();
    m["containerimage.descriptor"] = r.root.to_json();
    if (!r.names.empty()) {
        std::string joined;
        for (const auto& n : r.names) joined += (joined.empty() ? "" : ",") + n;
        m["image.name"] = joined;
    }
    // Beside BuildKit's keys: imagetools create --from-metadata reads an image that was not
    // pushed from the store instead of looking for it in a registry.
    m["lading.pushed"] = r.pushed;
    return m;
}

}  // namespace

boost::json::object export_metadata(const std::vector<output_result>& results)
{
    boost::json::object doc = metadata_of(results.front());
    boost::json::array all;
    for (const auto& r : results) all.emplace_back(metadata_of(r));
    doc["lading.outputs"] = std::move(all);
    return doc;
}

void check_metadata_file_path(const std::string& path)
{
    const auto dir = std::filesystem::path(path).parent_path();
    const auto shown = dir.empty() ? std::string(".") : dir.string();
    if (::access(dir.empty() ? "." : dir.c_str(), W_OK | X_OK) != 0)
        throw usage_error("--metadata-file " + path + ": cannot write in " + shown + ": " + std::strerror(errno));
    if (std::filesystem::is_directory(path)) throw usage_error("--metadata-file " + path + " is a directory");
}

void write_metadata_file(const std::string& path, const boost::json::object& doc)
{
    auto tmp = path + ".tmp";
    auto fail = [&] { throw error("cannot write metadata file " + path + ": " + std::strerror(errno)); };
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) fail();
        out << canonical_json(doc) << '\n';
        out.flush();
        if (!out) fail();
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail();
}

}  // namespace lading::cli
