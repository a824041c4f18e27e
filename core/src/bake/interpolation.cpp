#include "bake/interpolation.hpp"

namespace lading::bake {

namespace {

bool is_name_character(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

std::string trim(std::string s)
{
    auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

int characters_before(const std::string& text, std::size_t byte_offset)
{
    int n = 0;
    for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
    return n;
}

// About the length of `value` as compact JSON, counted up to a little past `limit`.
std::size_t json_size(const json_node& value, std::size_t limit)
{
    std::size_t size = value.text.size() + 2;
    for (const auto& item : value.items) {
        if (size > limit) return size;
        size += json_size(item, limit - size);
    }
    for (const auto& m : value.members) {
        if (size > limit) return size;
        size += m.key.size() + 3 + json_size(m.value, limit - size);
    }
    return size;
}

// "${AXIS.KEY}" reads KEY of an object value.
std::optional<json_node> look_up(const std::string& name, const name_lookup& lookup)
{
    if (auto v = lookup(name)) return v;
    auto dot = name.find('.');
    if (dot == std::string::npos) return std::nullopt;
    auto base = lookup(name.substr(0, dot));
    if (!base || !base->is_object()) return std::nullopt;
    if (const auto* member = base->find(name.substr(dot + 1))) return *member;
    return std::nullopt;
}

class string_interpolator {
public:
    string_interpolator(json_node& node, const name_lookup& lookup, const std::filesystem::path& file,
                        diagnostics& problems)
        : node_(node), lookup_(lookup), file_(file), problems_(problems)
    {
    }

    bool run()
    {
        const std::string& in = node_.text;
        if (in.find('$') == std::string::npos) return true;
        std::string out;
        bool ok = true;
        for (std::size_t i = 0; i < in.size();) {
            if (in.compare(i, 3, "$${") == 0) {
                out += "${";
                i += 3;
                continue;
            }
            if (in.compare(i, 2, "${") != 0) {
                out += in[i++];
                continue;
            }
            auto close = in.find('}', i + 2);
            if (close == std::string::npos) {
                report(i, "unterminated \"${\"; write \"$${\" for a literal \"${\"");
                return false;
            }
            auto name = trim(in.substr(i + 2, close - i - 2));
            bool whole = i == 0 && close == in.size() - 1;
            ok = substitute(name, i, whole, out) && ok;
            if (whole && ok && node_.type != json_node::kind::string) return true;
            i = close + 1;
        }
        if (ok) node_.text = out;
        return ok;
    }

private:
    json_node& node_;
    const name_lookup& lookup_;
    const std::filesystem::path& file_;
    diagnostics& problems_;

    void report(std::size_t byte_offset, std::string message)
    {
        auto at = node_.at;
        if (node_.verbatim) at.column += 1 + characters_before(node_.text, byte_offset);
        problems_.add({file_, at}, std::move(message));
    }

    bool substitute(const std::string& name, std::size_t offset, bool whole, std::string& out)
    {
        bool plain_name = !name.empty() && name.front() != '.' && name.back() != '.';
        for (char c : name) plain_name = plain_name && is_name_character(c);
        if (!plain_name) {
            report(offset, "\"${" + name + "}\" is not a variable name; only ${NAME} references are supported");
            return false;
        }
        std::optional<json_node> value;
        try {
            value = look_up(name, lookup_);
        } catch (const lookup_refusal& refusal) {
            if (!refusal.message.empty()) report(offset, refusal.message);
            return false;
        }
        if (!value) {
            report(offset, "unknown variable \"" + name + "\"; declare it in a \"variable\" block");
            return false;
        }
        if (whole && !value->is_string()) {
            if (json_size(*value, max_interpolated_size) > max_interpolated_size) {
                report(offset, "\"${" + name + "}\" is longer than " + std::to_string(max_interpolated_size >> 20) +
                                   " MiB as JSON");
                return false;
            }
            auto at = node_.at;
            node_ = *value;
            node_.at = at;
            node_.verbatim = false;
            return true;
        }
        auto text = scalar_text(*value);
        if (!text) {
            report(offset, "\"" + name + "\" is " + std::string(kind_name(value->type)) +
                               " and cannot be part of a longer string");
            return false;
        }
        if (out.size() + text->size() > max_interpolated_size) {
            report(offset, "\"${" + name + "}\" makes the string longer than " +
                               std::to_string(max_interpolated_size >> 20) + " MiB");
            return false;
        }
        out += *text;
        return true;
    }
};

// An object key interpolated like a string value; a key must end up a string, so a number or
// a bool is written as text.
bool interpolate_key(json_member& member, const name_lookup& lookup, const std::filesystem::path& file,
                     diagnostics& problems)
{
    json_node key;
    key.type = json_node::kind::string;
    key.at = member.key_at;
    key.text = member.key;
    key.verbatim = member.key_verbatim;
    if (!string_interpolator(key, lookup, file, problems).run()) return false;
    auto text = scalar_text(key);
    if (!text || key.type == json_node::kind::null) {
        problems.add({file, member.key_at}, "an object key must be a string; \"" + member.key + "\" is " +
                                                std::string(kind_name(key.type)));
        return false;
    }
    member.key = *text;
    return true;
}

// Keys are interpolated first, so two that become the same are reported at the later one.
bool interpolate_members(json_node& object, const name_lookup& lookup, const std::filesystem::path& file,
                         diagnostics& problems)
{
    bool ok = true;
    for (std::size_t i = 0; i < object.members.size(); ++i) {
        auto& member = object.members[i];
        auto written = member.key;
        if (!interpolate_key(member, lookup, file, problems)) {
            ok = false;
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            const auto& earlier = object.members[j];
            if (earlier.key != member.key) continue;
            problems.add({file, member.key_at}, "duplicate key \"" + member.key + "\" (written \"" + written +
                                                    "\"); the same key is at line " +
                                                    std::to_string(earlier.key_at.line) + ", column " +
                                                    std::to_string(earlier.key_at.column));
            ok = false;
            break;
        }
    }
    for (auto& member : object.members) ok = interpolate(member.value, lookup, file, problems) && ok;
    return ok;
}

}  // namespace

std::optional<std::string> scalar_text(const json_node& value)
{
    switch (value.type) {
    case json_node::kind::string:
    case json_node::kind::number: return value.text;
    case json_node::kind::boolean: return value.boolean ? "true" : "false";
    case json_node::kind::null: return "";
    default: return std::nullopt;
    }
}

bool interpolate(json_node& node, const name_lookup& lookup, const std::filesystem::path& file,
                 diagnostics& problems)
{
    bool ok = true;
    switch (node.type) {
    case json_node::kind::string: return string_interpolator(node, lookup, file, problems).run();
    case json_node::kind::array:
        for (auto& item : node.items) ok = interpolate(item, lookup, file, problems) && ok;
        return ok;
    case json_node::kind::object: return interpolate_members(node, lookup, file, problems);
    default: return true;
    }
}

}  // namespace lading::bake
