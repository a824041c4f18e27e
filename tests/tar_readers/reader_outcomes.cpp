#include "reader_outcomes.hpp"

#include "common/codec_driver.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"

#include <lading/stream/byte_source.hpp>
#include "tar/checked_tar_source.hpp"
#include "tar/tar_reader.hpp"

#include <boost/json.hpp>

#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace lading::test {

namespace {

std::string clean(std::string name)
{
    while (name.starts_with("./")) name.erase(0, 2);
    while (name.size() > 1 && name.ends_with('/')) name.pop_back();
    return name;
}

std::span<const std::uint8_t> bytes_of(const std::string& s)
{
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::int64_t utc_seconds(const std::string& date, const std::string& time)
{
    std::tm tm{};
    std::istringstream in(date + " " + time);
    in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
    if (in.fail()) throw std::runtime_error("cannot read the time " + date + " " + time);
    return timegm(&tm);
}

char type_of_toc(const std::string& t)
{
    if (t == "reg") return '0';
    if (t == "hardlink") return '1';
    if (t == "symlink") return '2';
    if (t == "char") return '3';
    if (t == "block") return '4';
    if (t == "dir") return '5';
    if (t == "fifo") return '6';
    throw std::runtime_error("unexpected TOC entry type " + t);
}

// The TOC JSON of a decompressed eStargz blob: the content of its last entry.
std::string toc_json(const codec_bytes& tar)
{
    for (std::size_t at = (tar.size() / 512) * 512; at >= 512; at -= 512) {
        const char* h = reinterpret_cast<const char*>(tar.data()) + at - 512;
        if (std::strncmp(h, "stargz.index.json", 100) != 0) continue;
        const auto size = std::stoull(std::string(h + 124, 11), nullptr, 8);
        return std::string(h + 512, size);
    }
    throw std::runtime_error("no stargz.index.json in the blob");
}

}  // namespace

std::string describe(const reader_outcome& o)
{
    if (o.error) return "refused: " + *o.error;
    std::string out = "accepted:";
    for (const auto& e : o.entries)
        out += " [" + e.name + " type " + e.type + " size " + std::to_string(e.size) + " mtime " + std::to_string(e.mtime) + "]";
    if (!o.warnings.empty()) out += " warnings: " + o.warnings;
    return out;
}

reader_outcome core_reader(const std::string& archive)
{
    reader_outcome out;
    try {
        memory_source src(bytes_of(archive));
        tar::tar_reader reader(src, "archive");
        while (auto e = reader.next()) {
            std::uint8_t buf[4096];
            while (reader.read_content(buf) > 0) {
            }
            out.entries.push_back({clean(e->header.name), static_cast<char>(e->header.type), e->header.size, e->header.mtime});
        }
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

reader_outcome tarball_layer_check(const std::string& archive)
{
    reader_outcome out;
    try {
        tar::checked_tar_source src(std::make_unique<memory_source>(bytes_of(archive)), std::nullopt, "archive");
        std::uint8_t buf[4096];
        while (src.read(buf) > 0) {
        }
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

reader_outcome estargz_scanner(const std::string& archive)
{
    const auto& table = compressor_table(LADING_TEST_PLUGIN_DIR, "estargz");
    const codec_feeding whole{[] { return std::size_t(1) << 20; }, [] { return std::size_t(1) << 20; }, false};
    reader_outcome out;
    auto compressor = new_compressor(table, 6, 1);
    auto blob = run_codec(table, compressor.get(), codec_bytes(archive.begin(), archive.end()), whole);
    if (blob.status != LADING_DONE) {
        out.error = blob.error;
        return out;
    }
    auto decompressor = new_decompressor(table);
    auto tar = run_codec(table, decompressor.get(), blob.output, whole);
    if (tar.status != LADING_DONE) throw std::runtime_error("cannot decompress the eStargz blob: " + tar.error);
    const auto toc = boost::json::parse(toc_json(tar.output));
    for (const auto& v : toc.at("entries").as_array()) {
        const auto& e = v.as_object();
        const std::string type(e.at("type").as_string());
        if (type == "chunk") continue;
        listed_entry l;
        l.name = clean(std::string(e.at("name").as_string()));
        l.type = type_of_toc(type);
        if (auto* size = e.if_contains("size")) l.size = static_cast<std::uint64_t>(size->as_int64());
        std::string modtime(e.at("modtime").as_string());  // 2006-01-02T15:04:05Z
        l.mtime = utc_seconds(modtime.substr(0, 10), modtime.substr(11, 8));
        out.entries.push_back(l);
    }
    return out;
}

reader_outcome gnu_tar(const std::string& archive)
{
    temp_dir dir("lading-tar-readers-");
    {
        std::ofstream f(dir / "a.tar", std::ios::binary);
        f.write(archive.data(), static_cast<std::streamsize>(archive.size()));
    }
    process_options o;
    o.argv = {"tar", "--numeric-owner", "--full-time", "-tvf", (dir / "a.tar").string()};
    o.env["TZ"] = "UTC";
    o.env["LC_ALL"] = "C";
    auto r = run_process(o);
    reader_outcome out;
    if (!r.succeeded()) {
        out.error = r.err.empty() ? "exit " + std::to_string(r.exit_code) : r.err;
        return out;
    }
    out.warnings = r.err;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        // -rw-r--r-- 0/0   3 2020-09-13 12:26:40 name[ -> target | link to target]
        std::istringstream in(line);
        std::string perms, owner, size, date, time;
        in >> perms >> owner >> size >> date >> time;
        std::string name;
        std::getline(in >> std::ws, name);
        for (const char* sep : {" -> ", " link to "})
            if (auto at = name.find(sep); at != std::string::npos) name.resize(at);
        listed_entry l;
        l.name = clean(name);
        switch (perms.at(0)) {
        case '-': l.type = '0'; break;
        case 'h': l.type = '1'; break;
        case 'l': l.type = '2'; break;
        case 'c': l.type = '3'; break;
        case 'b': l.type = '4'; break;
        case 'd': l.type = '5'; break;
        case 'p': l.type = '6'; break;
        default: throw std::runtime_error("unexpected tar -tv line: " + line);
        }
        l.size = l.type == '0' ? std::stoull(size) : 0;
        l.mtime = utc_seconds(date, time);
        out.entries.push_back(l);
    }
    return out;
}

}  // namespace lading::test
