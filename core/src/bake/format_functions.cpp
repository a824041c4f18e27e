// bake's format(SPEC, ARGS...) and formatlist(SPEC, ARGS...) with the verbs bake files use:
// %s (text), %d (a whole number), %t (a bool), %v (text as it is, a number as Go's %g writes
// it, anything else as JSON) and %%. Flags, widths, precisions, argument indexes and the other
// verbs are refused with a clear error rather than formatted another way.
#include "bake/function_arguments.hpp"
#include "bake/interpolation.hpp"
#include "bake/template_expression.hpp"

namespace lading::bake {

namespace {

// A number's text as Go's %g writes the shortest form of it: e-notation when the exponent
// is below -4 or from 6 up (1e+06, 1.5e-05), else the plain decimal.
std::string shortest_g(const std::string& canonical)
{
    std::string digits = canonical;
    std::string sign;
    if (!digits.empty() && digits.front() == '-') {
        sign = "-";
        digits.erase(0, 1);
    }
    auto point = digits.find('.');
    if (point == std::string::npos) point = digits.size();
    std::string mantissa = digits.substr(0, point) + (point < digits.size() ? digits.substr(point + 1) : "");
    int exponent = static_cast<int>(point);  // the value is 0.MANTISSA x 10^exponent
    const auto first = mantissa.find_first_not_of('0');
    if (first == std::string::npos) return sign + "0";
    mantissa.erase(0, first);
    exponent -= static_cast<int>(first);
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    const int e = exponent - 1;
    if (e < -4 || e >= 6) {
        std::string out = sign + mantissa.substr(0, 1);
        if (mantissa.size() > 1) out += "." + mantissa.substr(1);
        const auto magnitude = std::to_string(e < 0 ? -e : e);
        return out + "e" + (e < 0 ? "-" : "+") + (magnitude.size() < 2 ? "0" : "") + magnitude;
    }
    if (exponent <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-exponent), '0') + mantissa;
    if (static_cast<std::size_t>(exponent) >= mantissa.size())
        return sign + mantissa + std::string(static_cast<std::size_t>(exponent) - mantissa.size(), '0');
    return sign + mantissa.substr(0, static_cast<std::size_t>(exponent)) + "." +
           mantissa.substr(static_cast<std::size_t>(exponent));
}

// Checked as the text grows: a long format over many long arguments would be gigabytes.
[[noreturn]] void too_long(const arguments& a)
{
    a.fail("makes text longer than " + std::to_string(max_interpolated_size >> 20) + " MiB");
}

std::string formatted(const arguments& a, char verb, const json_node& v)
{
    if (verb != 'v' && v.type == json_node::kind::null) a.fail("a null value cannot be formatted with %" + std::string(1, verb));
    switch (verb) {
    case 's': {
        auto t = text_of(v);
        if (!t) a.fail("%s needs a string, found " + std::string(kind_name(v.type)));
        return *t;
    }
    case 'd': {
        auto number = canonical_number(v);
        if (!number || number->find('.') != std::string::npos)
            a.fail("%d needs a whole number, found " + (v.type == json_node::kind::string ? "\"" + v.text + "\""
                                                                                        : std::string(kind_name(v.type))));
        return *number;
    }
    case 't': {
        auto b = as_condition(v);
        if (!b) a.fail("%t needs a bool, found " + std::string(kind_name(v.type)));
        return *b ? "true" : "false";
    }
    default:  // 'v'
        if (v.type == json_node::kind::string) return v.text;
        if (v.type == json_node::kind::number) return shortest_g(canonical_number(v).value_or(v.text));
        return hcl_json_text(v);
    }
}

// SPEC with each verb replaced by the next of `values`.
std::string format_once(const arguments& a, const std::string& spec, const std::vector<const json_node*>& values)
{
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < spec.size(); ++i) {
        if (spec[i] != '%') {
            out += spec[i];
            continue;
        }
        if (++i == spec.size()) a.fail("the format ends with a lone \"%\"");
        const char verb = spec[i];
        if (verb == '%') {
            out += '%';
            continue;
        }
        if (verb != 's' && verb != 'd' && verb != 't' && verb != 'v')
            a.fail("lading formats %s, %d, %t, %v and %% without flags, width, precision or index, not \"%" +
                   spec.substr(i, 1) + "\"");
        if (used == values.size())
            a.fail("not enough arguments for \"%" + std::string(1, verb) + "\" at " + std::to_string(i - 1) +
                   ": need index " + std::to_string(used + 1) + " but have " + std::to_string(values.size()) + " total");
        out += formatted(a, verb, *values[used++]);
        if (out.size() > max_interpolated_size) too_long(a);
    }
    if (used < values.size())
        a.fail(used == 0 ? "too many arguments; no verbs in format string"
                         : "too many arguments; only " + std::to_string(used) + " used by format string");
    return out;
}

json_node format(const arguments& a)
{
    a.expect_at_least(1);
    std::vector<const json_node*> values;
    for (std::size_t i = 1; i < a.size(); ++i) values.push_back(&a.at(i));
    return string_node(format_once(a, a.text(0), values));
}

// One string per element of the list arguments (all of one length); other arguments are
// used in every one.
json_node formatlist(const arguments& a)
{
    a.expect_at_least(1);
    const auto spec = a.text(0);
    std::optional<std::size_t> rounds;
    for (std::size_t i = 1; i < a.size(); ++i) {
        if (!a.at(i).is_array()) continue;
        const auto n = a.at(i).items.size();
        if (rounds && *rounds != n)
            a.fail("argument " + std::to_string(i + 1) + " has length " + std::to_string(n) +
                   ", which is inconsistent with the other lists, of length " + std::to_string(*rounds));
        rounds = n;
    }
    std::vector<std::string> out;
    std::size_t total = 0;
    for (std::size_t round = 0; round < rounds.value_or(1); ++round) {
        std::vector<const json_node*> values;
        for (std::size_t i = 1; i < a.size(); ++i)
            values.push_back(a.at(i).is_array() ? &a.at(i).items[round] : &a.at(i));
        out.push_back(format_once(a, spec, values));
        total += out.back().size();
        if (total > max_interpolated_size) too_long(a);
    }
    return list_node(out);
}

}  // namespace

void add_format_functions(function_table& table)
{
    table.insert({{"format", format}, {"formatlist", formatlist}});
}

}  // namespace lading::bake
