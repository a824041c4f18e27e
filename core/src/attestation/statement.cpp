#include "attestation/statement.hpp"
#include <lading/error.hpp>

#include <boost/json/stream_parser.hpp>

#include <fstream>
#include <iterator>

namespace lading::attestation {

namespace {

// Predicates are documents of their own (SPDX, CycloneDX) and may nest deeply.
constexpr std::size_t max_json_depth = 512;

// A value quoted in an error message, short enough for one line.
std::string shown(std::string_view s)
{
    constexpr std::size_t limit = 100;
    return "\"" + std::string(s.substr(0, limit)) + (s.size() > limit ? "...\"" : "\"");
}

boost::json::value parse_json(std::string_view text, const std::string& origin)
{
    boost::json::parse_options options;
    options.max_depth = max_json_depth;
    boost::json::stream_parser parser({}, options);
    boost::system::error_code ec;
    auto consumed = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) throw error(origin + " is not JSON (" + ec.message() + " at byte " + std::to_string(consumed) + ")");
    return parser.release();
}

const boost::json::string* string_member(const boost::json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v ? v->if_string() : nullptr;
}

bool has_prefix_or_is(std::string_view type, std::string_view base)
{
    return type == base || (type.starts_with(base) && type[base.size()] == '/');
}

void check_predicate_type(const std::string& predicate_type, attestation_kind kind, const std::string& origin)
{
    if (kind == attestation_kind::sbom) {
        if (has_prefix_or_is(predicate_type, "https://spdx.dev/Document") ||
            has_prefix_or_is(predicate_type, "https://cyclonedx.org/bom"))
            return;
        throw error(origin + " is given as type=sbom but its predicateType " + shown(predicate_type) +
                    " is not an SBOM (https://spdx.dev/Document or https://cyclonedx.org/bom)");
    }
    if (!predicate_type.starts_with("https://slsa.dev/provenance/"))
        throw error(origin + " is given as type=provenance but its predicateType " + shown(predicate_type) +
                    " is not SLSA provenance (https://slsa.dev/provenance/...)");
}

}  // namespace

statement parse_statement(std::string_view text, attestation_kind kind, const std::string& origin)
{
    auto value = parse_json(text, origin);
    auto* doc = value.if_object();
    if (!doc)
        throw error(origin + " is not a JSON object; an in-toto statement is an object with _type, predicateType and predicate");

    statement s;
    auto* type = string_member(*doc, "_type");
    if (!type)
        throw error(origin + " has no \"_type\" string; an in-toto statement has \"_type\": \"" +
                    std::string(statement_type_v1) + "\"");
    if (*type != statement_type_v01 && *type != statement_type_v1)
        throw error(origin + " has _type " + shown(*type) + "; lading takes " + std::string(statement_type_v01) +
                    " and " + std::string(statement_type_v1));
    s.type = std::string(*type);

    auto* predicate_type = string_member(*doc, "predicateType");
    if (!predicate_type || predicate_type->empty())
        throw error(origin + " has no \"predicateType\" string; an in-toto statement names the type of its predicate");
    s.predicate_type = std::string(*predicate_type);
    check_predicate_type(s.predicate_type, kind, origin);

    auto* predicate = doc->if_contains("predicate");
    if (!predicate || !predicate->is_object())
        throw error(origin + " has no \"predicate\" object; an in-toto statement carries its document there");
    s.predicate = std::move(predicate->get_object());
    return s;
}

statement read_statement_file(const std::filesystem::path& file, attestation_kind kind)
{
    const std::string origin = "attestation file " + file.string();
    std::error_code ec;
    auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) {
        if (!ec || ec == std::errc::no_such_file_or_directory) throw error(origin + " does not exist");
        throw error("cannot read " + origin + ": " + ec.message());
    }
    if (!std::filesystem::is_regular_file(status)) throw error(origin + " is not a regular file");
    auto size = std::filesystem::file_size(file, ec);
    if (ec) throw error("cannot read " + origin + ": " + ec.message());
    if (size > max_statement_file_size)
        throw error(origin + " is " + std::to_string(size) + " bytes; attestation files are limited to 40 MiB");

    std::ifstream in(file, std::ios::binary);
    if (!in) throw error("cannot read " + origin);
    std::string text;
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uint64_t>(in.gcount()) != size || in.peek() != std::ifstream::traits_type::eof())
        throw error("cannot read " + origin + ": it changed while it was read");
    return parse_statement(text, kind, origin);
}

json_blob render_statement(const statement& s, const std::vector<subject>& subjects)
{
    boost::json::array subject_list;
    for (const auto& sub : subjects)
        subject_list.push_back(boost::json::object{{"name", sub.name},
                                                   {"digest", boost::json::object{{"sha256", sub.digest.hex()}}}});
    boost::json::object doc{{"_type", s.type},
                            {"predicateType", s.predicate_type},
                            {"predicate", s.predicate},
                            {"subject", std::move(subject_list)}};
    auto blob = make_json_blob(std::string(in_toto_media_type), doc);
    blob.descriptor.annotations[std::string(predicate_type_annotation)] = s.predicate_type;
    return blob;
}

}  // namespace lading::attestation
