#include "toc.hpp"

#include "packed_toc.hpp"
#include "rfc3339.hpp"

#include <lading/formats/base64.hpp>
#include <lading/formats/json_text.hpp>

namespace lading::plugins::estargz {

namespace {

using formats::append_json_string;

// Members of one JSON object; zero values are left out, like Go's omitempty.
class fields {
public:
    explicit fields(std::string& out) : out_(out) {}

    void text(const char* key, const std::string& value, bool always = false)
    {
        if (value.empty() && !always) return;
        append_json_string(begin(key), value);
    }
    void number(const char* key, std::int64_t value)
    {
        if (value != 0) begin(key) += std::to_string(value);
    }
    void xattrs(const std::vector<std::pair<std::string, std::string>>& values)
    {
        if (values.empty()) return;
        begin("xattrs") += '{';
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i > 0) out_ += ',';
            append_json_string(out_, values[i].first);
            out_ += ':';
            append_json_string(out_, formats::base64_encode(values[i].second));
        }
        out_ += '}';
    }

private:
    std::string& begin(const char* key)
    {
        if (!first_) out_ += ',';
        first_ = false;
        out_ += '"';
        out_ += key;
        out_ += "\":";
        return out_;
    }

    std::string& out_;
    bool first_ = true;
};

void append_entry(std::string& out, const toc_entry& e, const member_offsets& offset_of)
{
    out += '{';
    fields f(out);
    f.text("name", e.name, true);
    f.text("type", e.type, true);
    f.number("size", e.size);
    f.text("modtime", rfc3339_utc(e.mtime, e.mtime_nanos));
    f.text("linkName", e.link_name);
    f.number("mode", e.mode);
    f.number("uid", e.uid);
    f.number("gid", e.gid);
    f.text("userName", e.user_name);
    f.text("groupName", e.group_name);
    if (e.member) f.number("offset", static_cast<std::int64_t>(offset_of(*e.member)));
    f.number("devMajor", e.dev_major);
    f.number("devMinor", e.dev_minor);
    f.xattrs(e.xattrs);
    f.text("digest", e.digest);
    f.number("chunkOffset", e.chunk_offset);
    f.number("chunkSize", e.chunk_size);
    f.text("chunkDigest", e.chunk_digest_is_digest ? e.digest : e.chunk_digest);
    out += '}';
}

}  // namespace

void write_toc_json(const packed_toc& entries, const member_offsets& offset_of, const text_sink& sink)
{
    constexpr std::size_t piece = 64 * 1024;
    std::string out = "{\"version\":1,\"entries\":[";
    bool first = true;
    entries.for_each([&](const toc_entry& e) {
        if (!first) out += ',';
        first = false;
        append_entry(out, e, offset_of);
        if (out.size() >= piece) {
            sink(out);
            out.clear();
        }
    });
    out += "]}";
    sink(out);
}

}  // namespace lading::plugins::estargz
