// bake's functions over lists and objects: concat, flatten, distinct, compact, coalescelist,
// element, slice, reverselist, sort, range, indexof, keys, values, lookup and merge, with the
// results and errors of HCL's standard library (go-cty) and, for indexof, of buildx.
#include "bake/function_arguments.hpp"
#include "bake/interpolation.hpp"
#include "bake/template_expression.hpp"

#include <algorithm>
#include <set>

namespace lading::bake {

namespace {

bool is_scalar(const json_node& v)
{
    return v.type == json_node::kind::string || v.type == json_node::kind::number || v.type == json_node::kind::boolean;
}

// A list as a list parameter takes it: elements of one type, or scalars of several kinds,
// which become their text (HCL unifies them as strings).
std::vector<json_node> unified(const arguments& a, std::size_t i)
{
    auto items = a.list(i).items;
    std::optional<json_node::kind> kind;
    bool mixed = false;
    for (const auto& item : items) {
        if (item.type == json_node::kind::null) continue;
        if (kind && *kind != item.type) mixed = true;
        kind = item.type;
    }
    if (!mixed) return items;
    for (auto& item : items) {
        if (item.type == json_node::kind::null) continue;
        if (!is_scalar(item)) a.fail("argument " + std::to_string(i + 1) + " mixes lists or objects with other values");
        item = string_node(*text_of(item));
    }
    return items;
}

void flatten_into(const json_node& list, std::vector<json_node>& out)
{
    for (const auto& item : list.items)
        if (item.is_array())
            flatten_into(item, out);
        else
            out.push_back(item);
}

json_node concat(const arguments& a)
{
    a.expect_at_least(1);
    std::vector<json_node> items;
    std::size_t size = 0;  // checked as it grows: many large arguments would be gigabytes
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto& list = a.list(i);
        size += json_size(list, max_interpolated_size);
        if (size > max_interpolated_size) a.fail("makes a list longer than " + std::to_string(max_interpolated_size >> 20) + " MiB as JSON");
        items.insert(items.end(), list.items.begin(), list.items.end());
    }
    return list_of(std::move(items));
}

// Of scalars only: HCL unifies the types of nested lists and objects too, which lading does not
// follow, so those are refused rather than compared otherwise.
json_node distinct(const arguments& a)
{
    a.expect(1);
    std::vector<json_node> kept;
    std::set<std::string> seen;  // as JSON: "1" and 1 differ
    for (auto& item : unified(a, 0)) {
        if (item.is_array() || item.is_object())
            a.fail("lading's distinct() takes a list of strings, numbers or bools, found " +
                   std::string(kind_name(item.type)) + " in it");
        if (seen.insert(hcl_json_text(item)).second) kept.push_back(std::move(item));
    }
    return list_of(std::move(kept));
}

json_node compact(const arguments& a)
{
    a.expect(1);
    std::vector<json_node> kept;
    for (auto& t : a.texts(0))
        if (t && !t->empty()) kept.push_back(string_node(std::move(*t)));
    return list_of(std::move(kept));
}

json_node coalescelist(const arguments& a)
{
    a.expect_at_least(1);
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!a.list(i).items.empty()) return a.at(i);
    a.fail("no non-null arguments");
}

json_node element(const arguments& a)
{
    a.expect(2);
    const auto& items = a.list(0).items;
    const auto index = a.whole_number(1);
    if (items.empty()) a.fail("cannot use element function with an empty list");
    // Past the end wraps around; a negative index counts from the end (bake's go-cty 1.17).
    const auto size = static_cast<std::int64_t>(items.size());
    return items[static_cast<std::size_t>(((index % size) + size) % size)];
}

json_node slice(const arguments& a)
{
    a.expect(3);
    const auto& items = a.list(0).items;
    const auto start = a.whole_number(1), end = a.whole_number(2);
    const auto length = static_cast<std::int64_t>(items.size());
    if (start < 0) a.fail("start index must not be less than zero");
    if (start > length) a.fail("start index must not be greater than the length of the list");
    if (end < 0) a.fail("end index must not be less than zero");
    if (end > length) a.fail("end index must not be greater than the length of the list");
    if (start > end) a.fail("start index must not be greater than end index");
    return list_of({items.begin() + start, items.begin() + end});
}

json_node reverselist(const arguments& a)
{
    a.expect(1);
    auto items = a.list(0).items;
    std::reverse(items.begin(), items.end());
    return list_of(std::move(items));
}

json_node sort(const arguments& a)
{
    a.expect(1);
    std::vector<std::string> texts;
    const auto all = a.texts(0);
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!all[i]) a.fail("given list element " + std::to_string(i) + " is null; a null string cannot be sorted");
        texts.push_back(*all[i]);
    }
    std::sort(texts.begin(), texts.end());
    return list_node(texts);
}

// range(LIMIT), range(START, LIMIT) or range(START, LIMIT, STEP), of whole numbers only:
// HCL's fractions are 512-bit binary numbers, which lading does not carry.
json_node range(const arguments& a)
{
    if (a.size() < 1 || a.size() > 3) a.fail("must have one, two, or three arguments");
    std::int64_t start = 0, end = 0, step = 1;
    if (a.size() == 1) {
        end = a.whole_number(0);
    } else {
        start = a.whole_number(0);
        end = a.whole_number(1);
    }
    if (a.size() == 3)
        step = a.whole_number(2);
    else if (end < start)
        step = -1;
    if (step == 0) a.fail("step must not be zero");
    if (step < 0 && end > start) a.fail("end must be less than start when step is negative");
    if (step > 0 && end < start) a.fail("end must be greater than start when step is positive");
    std::vector<json_node> values;
    for (auto n = start; step > 0 ? n < end : n > end; n += step) {
        if (values.size() >= 1024)
            a.fail("more than 1024 values were generated; either decrease the difference between start and end or "
                   "use a smaller step");
        values.push_back(whole_number_node(n));
    }
    return list_of(std::move(values));
}

// buildx's indexof(LIST, VALUE): the index of the first element equal to VALUE.
json_node indexof(const arguments& a)
{
    a.expect(2);
    const auto& items = a.list(0).items;
    if (items.empty()) a.fail("cannot search an empty list");
    if (a.at(1).type == json_node::kind::null) a.fail("cannot search for null");
    for (std::size_t i = 0; i < items.size(); ++i)
        if (same_value(items[i], a.at(1))) return whole_number_node(static_cast<std::int64_t>(i));
    a.fail("item not found");
}

json_node keys(const arguments& a)
{
    a.expect(1);
    std::vector<std::string> names;
    for (const auto* m : members_by_key(a.object(0))) names.push_back(m->key);
    return list_node(names);
}

json_node values(const arguments& a)
{
    a.expect(1);
    std::vector<json_node> items;
    for (const auto* m : members_by_key(a.object(0))) items.push_back(m->value);
    return list_of(std::move(items));
}

json_node lookup(const arguments& a)
{
    a.expect(3);
    if (const auto* value = a.object(0).find(a.text(1))) return *value;
    return a.at(2);
}

// merge(OBJECT...): the keys of them all, a later object's value winning; null is skipped.
json_node merge(const arguments& a)
{
    json_node merged;
    merged.type = json_node::kind::object;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a.at(i).type == json_node::kind::null) continue;
        for (const auto& m : a.object(i).members) {
            auto it = std::find_if(merged.members.begin(), merged.members.end(),
                                   [&](const json_member& have) { return have.key == m.key; });
            if (it != merged.members.end())
                it->value = m.value;
            else
                merged.members.push_back({m.key, {}, m.value});
        }
    }
    return merged;
}

}  // namespace

void add_collection_functions(function_table& table)
{
    table.insert({
        {"concat", concat},
        {"flatten",
         [](const arguments& a) {
             a.expect(1);
             std::vector<json_node> items;
             flatten_into(a.list(0), items);
             return list_of(std::move(items));
         }},
        {"distinct", distinct},
        {"compact", compact},
        {"coalescelist", coalescelist},
        {"element", element},
        {"slice", slice},
        {"reverselist", reverselist},
        {"sort", sort},
        {"range", range},
        {"indexof", indexof},
        {"keys", keys},
        {"values", values},
        {"lookup", lookup},
        {"merge", merge},
    });
}

}  // namespace lading::bake
