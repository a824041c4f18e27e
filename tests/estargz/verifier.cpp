#include "verifier.hpp"

#include "common/json_file.hpp"
#include "common/process.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <sstream>

namespace estargz_test {

verifier_report run_verifier(const std::filesystem::path& blob, const std::string& toc_digest)
{
    const std::filesystem::path program = LADING_ESTARGZ_VERIFIER;
    if (!std::filesystem::exists(program))
        FAIL("the eStargz verifier " << program.string()
                                     << " was not built: install the Debian packages golang-go and "
                                        "golang-github-containerd-stargz-snapshotter-dev and re-run cmake");
    auto r = lading::test::run_process({program.string(), blob.string(), toc_digest});
    verifier_report report;
    report.ok = r.succeeded();
    report.output = r.describe();
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        auto value = [&](const std::string& key) { return line.substr(key.size()); };
        if (line.starts_with("tocDigest=")) report.toc_digest = value("tocDigest=");
        if (line.starts_with("diffID=")) report.diff_id = value("diffID=");
        if (line.starts_with("uncompressedSize=")) report.uncompressed_size = std::stoull(value("uncompressedSize="));
        if (line.starts_with("entries=")) std::sscanf(line.c_str(), "entries=%zu chunks=%zu", &report.entries, &report.chunks);
    }
    return report;
}

std::string annotation(const std::string& json_object, const std::string& key)
{
    auto v = lading::test::parse_json(json_object, "annotations");
    return lading::test::json_string(v, key);
}

}  // namespace estargz_test
