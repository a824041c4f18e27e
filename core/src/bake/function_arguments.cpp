#include "bake/function_arguments.hpp"

#include "bake/hcl_number.hpp"
#include "bake/interpolation.hpp"
#include "bake/template_expression.hpp"
#include "bake/template_functions.hpp"

#include <algorithm>
#include <charconv>

namespace lading::bake {

void function_failure(const std::string& function, const std::string& message)
{
    throw template_function_error{function + "(): " + message};
}

std::optional<std::string> text_of(const json_node& v)
{
    if (v.type == json_node::kind::null) return std::nullopt;
    return scalar_text(v);
}

void arguments::expect(std::size_t n) const
{
    if (values_.size() != n)
        fail("takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", not " + std::to_string(values_.size()));
}

void arguments::expect_at_least(std::size_t n) const
{
    if (values_.size() < n) fail("takes at least " + std::to_string(n) + " argument" + (n == 1 ? "" : "s"));
}

void arguments::wrong_type(std::size_t i, const char* wanted) const
{
    fail("argument " + std::to_string(i + 1) + " must be " + wanted + ", found " + std::string(kind_name(values_[i].type)));
}

std::string arguments::text(std::size_t i) const
{
    auto t = text_of(values_[i]);
    if (!t) wrong_type(i, "a string");
    return *t;
}

std::string arguments::ascii_text(std::size_t i) const
{
    auto t = text(i);
    if (std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        fail("argument " + std::to_string(i + 1) + " is not ASCII text, which lading does not case or count");
    return t;
}

bool arguments::flag(std::size_t i) const
{
    if (auto b = as_condition(values_[i])) return *b;
    wrong_type(i, "a bool");
}

std::int64_t arguments::whole_number(std::size_t i) const
{
    const auto& v = values_[i];
    const auto number = canonical_number(v);
    if (!number) wrong_type(i, "a number");
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(number->data(), number->data() + number->size(), n);
    if (ec == std::errc::result_out_of_range)
        fail("argument " + std::to_string(i + 1) + " is " + *number + ", beyond what lading counts to (2^63)");
    if (ec != std::errc() || end != number->data() + number->size())
        fail("argument " + std::to_string(i + 1) + " must be a whole number, found " + *number);
    return n;
}

std::vector<std::string_view> ascii_clusters(std::string_view text)
{
    std::vector<std::string_view> clusters;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto n = text.substr(i).starts_with("\r\n") ? 2 : 1;
        clusters.push_back(text.substr(i, n));
        i += n - 1;
    }
    return clusters;
}

const json_node& arguments::list(std::size_t i) const
{
    if (!values_[i].is_array()) wrong_type(i, "a list");
    return values_[i];
}

const json_node& arguments::object(std::size_t i) const
{
    if (!values_[i].is_object()) wrong_type(i, "an object");
    return values_[i];
}

std::vector<std::optional<std::string>> arguments::texts(std::size_t i) const
{
    std::vector<std::optional<std::string>> out;
    for (const auto& item : list(i).items) {
        if (item.type == json_node::kind::null) {
            out.emplace_back();
            continue;
        }
        auto t = text_of(item);
        if (!t) fail("argument " + std::to_string(i + 1) + " must be a list of strings, found " +
                     std::string(kind_name(item.type)) + " in it");
        out.push_back(std::move(t));
    }
    return out;
}

// A number, or a string that is one, as HCL writes it (3.10 is 3.1, 1e3 is 1000).
std::optional<std::string> canonical_number(const json_node& v)
{
    if (v.type != json_node::kind::number && v.type != json_node::kind::string) return std::nullopt;
    const std::string_view t = v.text;
    std::size_t i = t.starts_with('-') ? 1 : 0;
    auto digits = [&] {
        const auto from = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
        return i > from;
    };
    if (!digits()) return std::nullopt;
    if (i < t.size() && t[i] == '.' && (++i, !digits())) return std::nullopt;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
        if (!digits()) return std::nullopt;
    }
    if (i != t.size()) return std::nullopt;
    return canonical_hcl_number(t);
}

json_node whole_number_node(std::int64_t n) { return number_node(std::to_string(n)); }

json_node list_of(std::vector<json_node> items)
{
    json_node list;
    list.type = json_node::kind::array;
    list.items = std::move(items);
    return list;
}

}  // namespace lading::bake
