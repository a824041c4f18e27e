#include "bake/template_expression.hpp"

#include "bake/evaluation_budget.hpp"
#include "bake/hcl_identifier.hpp"
#include "bake/hcl_number.hpp"
#include "bake/string_template.hpp"
#include "bake/template_functions.hpp"
#include "bake/user_functions.hpp"
#include "text/hex_digit.hpp"
#include "text/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace lading::bake {

namespace {

struct expression_fault {
    std::string message;
};

[[noreturn]] void fail(std::string message) { throw expression_fault{std::move(message)}; }

// Names as bake has them: HCL identifiers joined by '.' (AXIS.KEY, target.NAME.KEY).
bool is_name_character(char c) { return is_identifier_character(c) || c == '.'; }

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

std::optional<double> as_number(const json_node& v)
{
    if (v.type != json_node::kind::number && v.type != json_node::kind::string) return std::nullopt;
    const auto& t = v.text;
    double d = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
    return d;
}


// How many values `value` is, counting those inside it.
std::size_t values_in(const json_node& value)
{
    std::size_t n = 1;
    for (const auto& item : value.items) n += values_in(item);
    for (const auto& member : value.members) n += values_in(member.value);
    return n;
}

// Recursive descent over the text, evaluating as it goes. Every part is read and every name
// looked up; types are judged and functions run only in the parts that decide the value
// (`live`): the branch a conditional takes, the right side of && and || when it is needed.
class expression_reader {
public:
    expression_reader(std::string_view text, const name_lookup& lookup) : in_(text), lookup_(&lookup) {}
    ~expression_reader()
    {
        for (; depth_ > 0; --depth_) leave_level();  // the levels a failure left entered
    }
    expression_reader(const expression_reader&) = delete;
    expression_reader& operator=(const expression_reader&) = delete;

    json_node all()
    {
        auto v = conditional(true);
        skip_space();
        if (at_ < in_.size()) fail("unexpected \"" + std::string(in_.substr(at_)) + "\" in \"" + std::string(in_) + "\"");
        return v;
    }

private:
    std::string_view in_;
    const name_lookup* lookup_;  // a for expression's body sees its names in front of these
    std::size_t at_ = 0;
    int depth_ = 0;

    static constexpr int max_depth = 100;

    // Each nested value counts toward max_depth while it is read, and toward the evaluation's
    // depth with the expressions and directives this one is inside of.
    void descend()
    {
        ++depth_;
        const bool within = enter_level();
        if (depth_ > max_depth) fail("the expression nests more than " + std::to_string(max_depth) + " levels deep");
        if (!within)
            fail("expressions and directives nest more than " + std::to_string(max_evaluation_depth) +
                 " levels deep, counting those of the variables they name");
    }

    void ascend()
    {
        --depth_;
        leave_level();
    }

    void skip_space()
    {
        while (at_ < in_.size() && (in_[at_] == ' ' || in_[at_] == '\t' || in_[at_] == '\n' || in_[at_] == '\r')) ++at_;
    }

    bool take(std::string_view op)
    {
        skip_space();
        if (in_.substr(at_).starts_with(op)) {
            at_ += op.size();
            return true;
        }
        return false;
    }

    bool condition_of(const json_node& v, const char* where)
    {
        auto b = as_condition(v);
        if (!b) fail(std::string(where) + " needs a bool, found " + std::string(kind_name(v.type)));
        return *b;
    }

    json_node conditional(bool live)
    {
        descend();
        auto c = logical_or(live);
        if (take("?")) {
            // The whole conditional is read before its condition's type is judged.
            const auto chosen = as_condition(c);
            auto then = conditional(live && chosen.value_or(false));
            if (!take(":")) fail("\"?\" without \":\" in \"" + std::string(in_) + "\"");
            auto otherwise = conditional(live && !chosen.value_or(true));
            if (live && !chosen) condition_of(c, "the condition of \"? :\"");
            c = chosen.value_or(false) ? std::move(then) : std::move(otherwise);
        }
        ascend();
        return c;
    }

    json_node logical_or(bool live)
    {
        auto v = logical_and(live);
        while (take("||")) {
            const bool left = live && condition_of(v, "\"||\"");
            auto right = logical_and(live && !left);
            v = bool_node(left || (live && condition_of(right, "\"||\"")));
        }
        return v;
    }

    json_node logical_and(bool live)
    {
        auto v = comparison(live);
        while (take("&&")) {
            const bool left = live && condition_of(v, "\"&&\"");
            auto right = comparison(live && left);
            v = bool_node(left && live && condition_of(right, "\"&&\""));
        }
        return v;
    }

    json_node comparison(bool live)
    {
        auto v = unary(live);
        for (;;) {
            if (take("==")) {
                auto r = unary(live);
                v = bool_node(same_value(v, r));
            } else if (take("!=")) {
                auto r = unary(live);
                v = bool_node(!same_value(v, r));
            } else if (auto op = ordering()) {
                auto r = unary(live);
                if (!live) {
                    v = bool_node(false);
                    continue;
                }
                auto a = as_number(v), b = as_number(r);
                if (!a || !b) fail("\"" + *op + "\" compares numbers, found " + std::string(kind_name(!a ? v.type : r.type)));
                v = bool_node(*op == "<" ? *a < *b : *op == "<=" ? *a <= *b : *op == ">" ? *a > *b : *a >= *b);
            } else {
                return v;
            }
        }
    }

    std::optional<std::string> ordering()
    {
        for (const char* op : {"<=", ">=", "<", ">"})
            if (take(op)) return op;
        return std::nullopt;
    }

    json_node unary(bool live)
    {
        if (take("!")) {
            descend();
            auto v = unary(live);
            ascend();
            return bool_node(live && !condition_of(v, "\"!\""));
        }
        return primary(live);
    }

    // A value, then any [INDEX] after it.
    json_node primary(bool live)
    {
        auto value = operand(live);
        while (take("[")) {
            descend();
            auto index = conditional(live);
            ascend();
            if (!take("]")) fail("\"[\" without \"]\" after a value in \"" + std::string(in_) + "\"");
            if (live) value = element(value, index);
        }
        return value;
    }

    // LIST[N] (N a whole number from 0) or OBJECT["KEY"], as HCL indexes.
    json_node element(const json_node& collection, const json_node& index)
    {
        if (collection.is_array()) {
            auto n = as_number(index);
            if (!n || *n < 0 || *n != static_cast<double>(static_cast<std::size_t>(*n)))
                fail("a list's index is a whole number from 0, found " + describe(index));
            auto i = static_cast<std::size_t>(*n);
            if (i >= collection.items.size())
                fail("index " + std::to_string(i) + " is past the end of a list of " +
                     std::to_string(collection.items.size()));
            return collection.items[i];
        }
        if (collection.is_object()) {
            auto key = scalar_text(index);
            if (!key || index.type == json_node::kind::null) fail("an object's index is a key, found " + describe(index));
            if (const auto* member = collection.find(*key)) return *member;
            fail("the object has no key \"" + *key + "\"");
        }
        fail("only a list or an object can be indexed, found " + std::string(kind_name(collection.type)));
    }

    static std::string describe(const json_node& v)
    {
        auto text = scalar_text(v);
        return text && v.type != json_node::kind::null ? "\"" + *text + "\"" : std::string(kind_name(v.type));
    }

    json_node operand(bool live)
    {
        skip_space();
        if (at_ >= in_.size()) fail("\"" + std::string(in_) + "\" ends where a value belongs");
        const char c = in_[at_];
        if (c == '(') {
            ++at_;
            auto v = conditional(live);
            if (!take(")")) fail("\"(\" without \")\" in \"" + std::string(in_) + "\"");
            return v;
        }
        if (c == '"') return string_literal(live);
        if (c == '[') return list_literal(live);
        if (is_decimal_digit(c) || (c == '-' && at_ + 1 < in_.size() && is_decimal_digit(in_[at_ + 1]))) return number_or_name(live);
        if (is_name_character(c) && c != '.' && c != '-') return name(live);
        fail("unexpected \"" + std::string(in_.substr(at_)) + "\" in \"" + std::string(in_) + "\"");
    }

    bool take_keyword(std::string_view word)
    {
        skip_space();
        auto rest = in_.substr(at_);
        if (!rest.starts_with(word) || (rest.size() > word.size() && is_identifier_character(rest[word.size()])))
            return false;
        at_ += word.size();
        return true;
    }

    std::string loop_name()
    {
        skip_space();
        auto start = at_;
        while (at_ < in_.size() && is_identifier_character(in_[at_])) ++at_;
        std::string n(in_.substr(start, at_ - start));
        if (!is_identifier(n)) fail("\"for\" needs a name before \"in\" in \"" + std::string(in_) + "\"");
        return n;
    }

    // [A, B, ...], a trailing comma allowed, as HCL's tuple; or a for expression.
    json_node list_literal(bool live)
    {
        ++at_;
        if (take_keyword("for")) return for_list(live);
        json_node list;
        list.type = json_node::kind::array;
        while (!take("]")) {
            descend();
            list.items.push_back(conditional(live));
            ascend();
            if (take("]")) break;
            if (!take(",")) fail("\"[\" without \"]\" in \"" + std::string(in_) + "\"");
        }
        return list;
    }

    // [for X in C : E] or [for K, X in C : E], either with "if COND" after E: E for each element
    // X of the list or object C (K its index, or its key, objects in key order), where COND holds.
    json_node for_list(bool live)
    {
        std::string key_name, value_name = loop_name();
        if (take(",")) {
            key_name = std::move(value_name);
            value_name = loop_name();
        }
        if (!take_keyword("in")) fail("\"[for\" without \"in\" in \"" + std::string(in_) + "\"");
        auto collection = conditional(live);
        if (!take(":")) fail("\"[for ... in ...\" without \":\" in \"" + std::string(in_) + "\"");
        if (live && !collection.is_array() && !collection.is_object())
            fail("\"for\" goes over a list or an object, found " + std::string(kind_name(collection.type)));
        std::vector<std::pair<json_node, const json_node*>> elements;  // a branch not taken repeats nothing
        if (live) elements = loop_elements(collection);

        // Read once with the names standing for nothing, to find the body's end and its "if";
        // then, as HCL does, each element's condition first and its body only where it holds.
        const auto body = at_;
        const auto* outer = lookup_;
        const json_node nothing;
        const json_node* key = &nothing;
        const json_node* value = &nothing;
        bool reading = true;  // the names stand for nothing yet: X.KEY is nothing too
        name_lookup with_loop_names = [&](const std::string& n) -> std::optional<json_node> {
            if (n == value_name || (reading && n.starts_with(value_name + "."))) return *value;
            if (!key_name.empty() && n == key_name) return *key;
            return (*outer)(n);
        };
        lookup_ = &with_loop_names;
        conditional(false);
        std::optional<std::size_t> condition_at;
        if (take_keyword("if")) {
            condition_at = at_;
            conditional(false);
        }
        const auto end = at_;
        reading = false;

        json_node list;
        list.type = json_node::kind::array;
        std::size_t size = 0;
        for (const auto& [element_key, element_value] : elements) {
            if (!spend_loop_round()) fail(loop_rounds_spent());
            key = &element_key;
            value = element_value;
            if (condition_at) {
                at_ = *condition_at;
                if (!condition_of(conditional(true), "the \"if\" of \"for\"")) continue;
            }
            at_ = body;
            auto item = conditional(true);
            size += json_size(item, max_interpolated_size);
            if (size > max_interpolated_size)
                fail("\"[for\" makes a list longer than " + std::to_string(max_interpolated_size >> 20) + " MiB as JSON");
            list.items.push_back(std::move(item));
        }
        lookup_ = outer;
        at_ = end;
        if (!take("]")) fail("\"[for\" without \"]\" in \"" + std::string(in_) + "\"");
        return list;
    }

    // "TEXT" with its escapes decoded. A string with ${...} or %{...} tags is a template, made
    // as a bake string is (in the parts that decide the value only).
    json_node string_literal(bool live)
    {
        std::string text, as_template;  // as_template keeps $${ and %%{ for the template's reader
        bool has_tag = false;
        for (++at_; at_ < in_.size(); ++at_) {
            char c = in_[at_];
            if (c == '"') {
                ++at_;
                return has_tag ? rendered(as_template, live) : string_node(std::move(text));
            }
            if (c == '\\' && at_ + 1 < in_.size()) {
                c = in_[++at_];
                switch (c) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case '"':
                case '\\': break;
                case 'u':
                case 'U': {
                    std::string character;
                    text::append_utf8(character, hex_escape(c == 'u' ? 4 : 8));
                    text += character;
                    as_template += character;
                    continue;
                }
                default: fail(std::string("unknown escape \"\\") + c + "\" in a string of \"" + std::string(in_) + "\"");
                }
                text += c;
                as_template += c;
                continue;
            }
            if ((c == '$' || c == '%') && in_.substr(at_ + 1).starts_with(std::string(1, c) + "{")) {
                text += c;  // $${ and %%{ are literal
                text += '{';
                as_template.append(in_.substr(at_, 3));
                at_ += 2;
                continue;
            }
            if ((c == '$' || c == '%') && in_.substr(at_ + 1).starts_with("{")) {
                has_tag = true;
                as_template += tag_text();
                continue;
            }
            text += c;
            as_template += c;
        }
        fail("unterminated string in \"" + std::string(in_) + "\"");
    }

    // The code point of the \\u or \\U escape whose letter is at at_; at_ is left on its last digit.
    char32_t hex_escape(int digits)
    {
        char32_t value = 0;
        for (int i = 0; i < digits; ++i) {
            int digit = text::hex_digit_value(++at_ < in_.size() ? in_[at_] : '\0');
            if (digit < 0) fail("a \\u escape needs " + std::to_string(digits) + " hex digits in \"" + std::string(in_) + "\"");
            value = value * 16 + static_cast<char32_t>(digit);
        }
        if (!text::is_unicode_scalar(value))
            fail("an escape that names no Unicode character in \"" + std::string(in_) + "\"");
        return value;
    }

    // The tag at at_ as written, through its '}'; at_ is left on that '}'.
    std::string tag_text()
    {
        const auto start = at_;
        at_ = tag_end(in_, start);
        if (at_ == std::string_view::npos) fail("a tag without its \"}\" in a string of \"" + std::string(in_) + "\"");
        return std::string(in_.substr(start, at_ - start + 1));
    }

    json_node rendered(const std::string& text, bool live)
    {
        auto node = string_node(text);
        if (!live) return node;  // neither names nor functions are judged in a branch not taken
        // Its expressions may hold strings in turn: each level is a few frames of the stack.
        evaluation_level level(evaluation_level::kind::template_in_string);
        if (!level.entered())
            fail("templates inside strings of expressions nest more than " + std::to_string(max_template_nesting) +
                 " levels deep");
        diagnostics problems;
        if (interpolate(node, *lookup_, {}, problems)) return node;
        if (problems.list().empty()) throw lookup_refusal{};  // reported already
        fail(problems.list().front().message);
    }

    // A number, or a name that starts with digits (a matrix value such as 3x).
    json_node number_or_name(bool live)
    {
        auto start = at_;
        auto end = start + 1;
        while (end < in_.size() && is_name_character(in_[end])) ++end;
        auto word = in_.substr(start, end - start);
        if (auto v = number_node(std::string(word)); as_number(v)) {
            auto canonical = canonical_hcl_number(word);  // 3.10 is 3.1, as HCL writes it
            if (!canonical) fail("\"" + std::string(word) + "\" has more than 1000 digits");
            v.text = std::move(*canonical);
            at_ = end;
            return v;
        }
        if (word.front() == '-') fail("\"" + std::string(word) + "\" is not a number");
        return name(live);
    }

    // NAME(ARG, ...): the arguments are read in any branch, the function runs in the one taken.
    json_node call(const std::string& function, bool live)
    {
        ++at_;
        std::vector<json_node> args;
        while (!take(")")) {  // a trailing comma allowed, as HCL allows it
            args.push_back(conditional(live));
            if (take("...")) {  // the last argument, a list, stands for its elements
                if (!take(")")) fail("\"...\" expands the last argument of \"" + function + "(\" only");
                auto list = std::move(args.back());
                args.pop_back();
                if (live && !list.is_array())
                    fail("\"...\" expands a list, found " + std::string(kind_name(list.type)));
                args.insert(args.end(), list.items.begin(), list.items.end());
                break;
            }
            if (take(")")) break;
            if (!take(",")) fail("\"" + function + "(\" without \")\" in \"" + std::string(in_) + "\"");
        }
        auto* user = active_user_functions();
        const bool user_defined = user && user->defines(function);
        if (!live && (user_defined || is_template_function(function))) return json_node{};
        json_node result;
        try {
            if (user_defined) {
                if (!spend_loop_round()) fail(loop_rounds_spent());
                result = user->call(function, args);
            } else {
                // A function's work grows with its arguments and its result (hashing, copying).
                for (const auto& arg : args)
                    if (!spend_bytes(json_size(arg, max_processed_bytes))) fail(bytes_spent());
                result = call_template_function(function, args);
            }
        } catch (const template_function_error& e) {
            fail(e.message);
        } catch (const user_function_error& e) {
            fail(e.message);
        }
        const auto size = json_size(result, max_processed_bytes);
        if (!user_defined && !spend_bytes(size)) fail(bytes_spent());
        // replace() and split() of their own results would double a value at every call.
        if (size > max_interpolated_size)
            fail(function + "() makes a value longer than " + std::to_string(max_interpolated_size >> 20) +
                 " MiB as JSON");
        return result;
    }

    json_node name(bool live)
    {
        auto start = at_;
        // A name ends where "..." (the expansion of a call's last argument) begins.
        while (at_ < in_.size() && is_name_character(in_[at_]) && !in_.substr(at_).starts_with("...")) ++at_;
        std::string n(in_.substr(start, at_ - start));
        if (n.back() == '.') fail("\"" + n + "\" is not a variable name");
        skip_space();
        if (at_ < in_.size() && in_[at_] == '(') return call(n, live);
        if (n == "true" || n == "false") return bool_node(n == "true");
        if (n == "null") return json_node{};
        // Looked up in a branch not taken too: a misspelt name is an error wherever it is.
        auto value = look_up(n, *lookup_);
        if (!value) fail("unknown variable \"" + n + "\"; declare it in a \"variable\" block");
        if (!spend_copies(values_in(*value)))
            fail("the value copies more than " + std::to_string(max_copied_values) +
                 " values out of the names it reads (a name read in a loop is copied each round)");
        if (!spend_bytes(json_size(*value, max_processed_bytes))) fail(bytes_spent());
        return *value;
    }
};

}  // namespace

bool same_value(const json_node& a, const json_node& b)
{
    if (a.type != b.type) return false;
    switch (a.type) {
    case json_node::kind::null: return true;
    case json_node::kind::boolean: return a.boolean == b.boolean;
    case json_node::kind::number: return as_number(a) == as_number(b);
    case json_node::kind::string: return a.text == b.text;
    case json_node::kind::array:
        if (a.items.size() != b.items.size()) return false;
        for (std::size_t i = 0; i < a.items.size(); ++i)
            if (!same_value(a.items[i], b.items[i])) return false;
        return true;
    case json_node::kind::object:
        if (a.members.size() != b.members.size()) return false;
        for (const auto& m : a.members) {
            const auto* other = b.find(m.key);
            if (!other || !same_value(m.value, *other)) return false;
        }
        return true;
    }
    return false;
}

std::optional<bool> as_condition(const json_node& value)
{
    if (value.type == json_node::kind::boolean) return value.boolean;
    // HCL converts these strings, and only these, to bools.
    if (value.is_string() && (value.text == "true" || value.text == "1")) return true;
    if (value.is_string() && (value.text == "false" || value.text == "0")) return false;
    return std::nullopt;
}

std::optional<json_node> evaluate_expression(std::string_view text, const name_lookup& lookup,
                                             expression_problem& problem)
{
    if (text.empty()) {
        problem.message = "\"${}\" names nothing; write ${NAME}";
        return std::nullopt;
    }
    try {
        return expression_reader(text, lookup).all();
    } catch (const expression_fault& f) {
        problem.message = f.message;
    } catch (const lookup_refusal& refusal) {
        problem.message = refusal.message;
    }
    return std::nullopt;
}

}  // namespace lading::bake
