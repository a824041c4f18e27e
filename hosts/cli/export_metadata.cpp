#include "export_metadata.hpp"

#include <lading/error.hpp>
#include <lading/oci/canonical_json.hpp>

#include <cstdio>
#include <fstream>

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

void write_metadata_file(const std::string& path, const boost::json::object& doc)
{
    auto tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << canonical_json(doc) << '\n';
        if (!out) throw error("cannot write metadata file " + path);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw error("cannot write metadata file " + path);
}

}  // namespace lading::cli
