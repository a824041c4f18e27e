#include "export/csv_record.hpp"
#include <lading/error.hpp>

namespace lading {

namespace {
[[noreturn]] void fail(std::string_view what, std::size_t column)
{
    throw usage_error("invalid --output: " + std::string(what) + " at column " + std::to_string(column + 1));
}
}  // namespace

std::vector<std::string> parse_csv_record(std::string_view text)
{
    if (text.ends_with('\n')) text.remove_suffix(1);
    if (text.ends_with('\r')) text.remove_suffix(1);

    std::vector<std::string> fields;
    std::size_t i = 0;
    for (;;) {
        std::string field;
        if (i < text.size() && text[i] == '"') {
            std::size_t open = i++;
            for (;;) {
                if (i >= text.size()) fail("unbalanced '\"' opened", open);
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            if (i < text.size() && text[i] != ',') fail("extraneous '\"' in quoted field", i);
        } else {
            while (i < text.size() && text[i] != ',') {
                if (text[i] == '"') fail("bare '\"' in unquoted field (quote the whole field)", i);
                field += text[i++];
            }
        }
        fields.push_back(std::move(field));
        if (i >= text.size()) break;
        ++i;  // the comma
    }
    return fields;
}

std::string format_csv_record(const std::vector<std::string>& fields)
{
    std::string out;
    for (const auto& f : fields) {
        if (!out.empty()) out += ',';
        if (f.find_first_of(",\"\r\n") == std::string::npos && !f.starts_with(' ')) {
            out += f;
            continue;
        }
        out += '"';
        for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        out += '"';
    }
    return out;
}

}  // namespace lading
