#include "bake/target_fields.hpp"

#include "bake/interpolation.hpp"
#include "export/csv_record.hpp"
#include "text/without_repeats.hpp"

#include <lading/error.hpp>

#include <algorithm>
#include <array>
#include <type_traits>

namespace lading::bake {

namespace {

namespace fs = std::filesystem;

constexpr std::array build_keys = {
    "dockerfile", "dockerfile-inline", "args", "target", "contexts", "cache-from", "cache-to", "secret",
    "ssh", "network", "no-cache", "no-cache-filter", "pull", "shm-size", "ulimits", "entitlements", "call",
    "extra-hosts",
};

// Reads one key's value and reports its problems at the value's position.
class field_reader {
public:
    field_reader(const std::string& key, const json_node& value, const fs::path& file, diagnostics& problems)
        : key_(key), value_(value), file_(file), problems_(problems)
    {
    }

    bool ok() const { return ok_; }

    std::optional<std::string> string()
    {
        if (auto s = scalar_of(value_, false)) return s;
        return wrong("a string");
    }

    std::optional<std::vector<std::string>> string_list()
    {
        if (!value_.is_array()) return wrong("a list of strings");
        std::vector<std::string> out;
        for (const auto& item : value_.items)
            if (auto s = scalar_of(item, true)) out.push_back(*s);
        return ok_ ? std::optional(out) : std::nullopt;
    }

    // Output and attest entries: buildx CSV strings, or objects of key/value strings.
    std::optional<std::vector<std::string>> record_list()
    {
        if (!value_.is_array()) return wrong("a list of strings");
        std::vector<std::string> out;
        for (const auto& item : value_.items) {
            if (!item.is_object()) {
                if (auto s = scalar_of(item, true)) out.push_back(*s);
                continue;
            }
            std::vector<std::string> fields;
            for (const auto& m : item.members)
                if (auto s = scalar_of(m.value, true)) fields.push_back(m.key + "=" + *s);
            out.push_back(format_csv_record(fields));
        }
        return ok_ ? std::optional(out) : std::nullopt;
    }

    std::optional<std::map<std::string, std::string>> string_map()
    {
        if (!value_.is_object()) return wrong("an object of strings");
        std::map<std::string, std::string> out;
        for (const auto& m : value_.members) {
            if (m.value.type == json_node::kind::null) continue;  // null leaves the key unset
            if (auto s = scalar_of(m.value, true)) out[m.key] = *s;
        }
        return ok_ ? std::optional(out) : std::nullopt;
    }

    // An exec-form list, or one string.
    std::optional<std::vector<std::string>> command()
    {
        if (value_.is_string()) return std::vector<std::string>{value_.text};
        if (value_.is_array()) return string_list();
        return wrong("a list of strings or a string");
    }

    void fail_at(const json_node& where, std::string message)
    {
        problems_.add({file_, where.at}, std::move(message));
        ok_ = false;
    }

private:
    const std::string& key_;
    const json_node& value_;
    const fs::path& file_;
    diagnostics& problems_;
    bool ok_ = true;

    std::nullopt_t wrong(const std::string& expected)
    {
        fail_at(value_, "\"" + key_ + "\" must be " + expected + ", found " + std::string(kind_name(value_.type)));
        return std::nullopt;
    }

    std::optional<std::string> scalar_of(const json_node& n, bool element)
    {
        if (n.is_string() || n.type == json_node::kind::number || n.type == json_node::kind::boolean)
            return scalar_text(n);
        fail_at(n, std::string(element ? "an entry of " : "") + "\"" + key_ + "\" must be a string, found " +
                       std::string(kind_name(n.type)));
        return std::nullopt;
    }
};

// "cwd://PATH" is PATH in the working directory, as bake reads it (BAKE_CMD_CONTEXT is "cwd://").
fs::path absolute_from(const fs::path& base_dir, const std::string& path)
{
    constexpr std::string_view working_directory = "cwd://";
    if (path == working_directory) return fs::current_path();
    if (path.starts_with(working_directory))
        return (fs::current_path() / path.substr(working_directory.size())).lexically_normal();
    return (base_dir / path).lexically_normal();
}

// "[PLATFORM=]PATH" with PATH made absolute; the same rule as `lading export --layer`.
std::string absolute_layer(const fs::path& base_dir, const std::string& text)
{
    auto eq = text.find('=');
    if (eq != std::string::npos && eq > 0 && text.substr(0, eq).find('/') != std::string::npos &&
        !fs::exists(absolute_from(base_dir, text))) {
        auto prefix = text.substr(0, eq);
        if (prefix.front() != '.' && prefix.front() != '/')
            return prefix + "=" + absolute_from(base_dir, text.substr(eq + 1)).string();
    }
    return absolute_from(base_dir, text).string();
}

// An --attest record with its path= made absolute.
std::optional<std::string> absolute_attest(const fs::path& base_dir, const std::string& record, std::string& error)
{
    std::vector<std::string> fields;
    try {
        fields = parse_csv_record(record);
    } catch (const usage_error& e) {
        error = e.what();
        return std::nullopt;
    }
    for (auto& f : fields)
        if (f.starts_with("path=")) f = "path=" + absolute_from(base_dir, f.substr(5)).string();
    return format_csv_record(fields);
}

void append(std::vector<std::string>& to, const std::vector<std::string>& more)
{
    to.insert(to.end(), more.begin(), more.end());
}

// As bake normalises tags, platforms and annotations: an empty value is no value, so a file
// can write `cond ? "app:latest" : ""` in a list.
std::vector<std::string> without_repeats_or_empties(const std::vector<std::string>& values)
{
    auto out = text::without_repeats(values);
    std::erase(out, std::string());
    return out;
}

// One record per attestation type, as bake keeps them: a later record of a type (a child's
// refinement of its parent's) takes the place of the earlier one.
std::vector<std::string> one_attest_per_type(const std::vector<std::string>& records)
{
    std::vector<std::string> out;
    std::map<std::string, std::size_t> at;
    for (const auto& record : records) {
        std::optional<std::string> type;
        try {
            for (const auto& f : parse_csv_record(record))
                if (f.starts_with("type=")) type = f.substr(5);
        } catch (const usage_error&) {
        }
        if (!type) {
            out.push_back(record);  // reported when the target runs
            continue;
        }
        auto [it, fresh] = at.try_emplace(*type, out.size());
        if (fresh)
            out.push_back(record);
        else
            out[it->second] = record;
    }
    return out;
}

template <typename T>
void replace_if_set(std::optional<T>& base, const std::optional<T>& over)
{
    if (over) base = over;
}

}  // namespace

void merge_fields(target_fields& base, const target_fields& over)
{
    // Each key's value and the --set overrides it holds (target_fields::overridden) go
    // together: a key `over` gives replaces base's value and its overrides; keys that add up
    // add up their overrides too.
    auto overrides_of = [&](const char* key) -> const std::set<std::size_t>* {
        auto found = over.overridden.find(key);
        return found == over.overridden.end() ? nullptr : &found->second;
    };
    auto replace = [&](auto target_fields::*field, const char* key) {
        if (!(over.*field)) return;
        base.*field = over.*field;
        if (const auto* held = overrides_of(key))
            base.overridden[key] = *held;
        else
            base.overridden.erase(key);
    };
    auto add_up = [&](auto target_fields::*field, const char* key) {
        if constexpr (std::is_same_v<std::remove_reference_t<decltype(base.*field)>, std::vector<std::string>>)
            append(base.*field, over.*field);
        else
            for (const auto& [k, v] : over.*field) (base.*field)[k] = v;
        if (const auto* held = overrides_of(key)) base.overridden[key].insert(held->begin(), held->end());
    };
    base.where = over.where;
    if (over.inherits) {  // a definition written again adds parents, as in bake
        if (!base.inherits) base.inherits.emplace();
        base.inherits->insert(base.inherits->end(), over.inherits->begin(), over.inherits->end());
    }
    replace(&target_fields::description, "description");
    replace(&target_fields::from, "from");
    replace(&target_fields::workdir, "workdir");
    replace(&target_fields::user, "user");
    replace(&target_fields::source_date_epoch, "source-date-epoch");
    replace(&target_fields::context, "context");
    add_up(&target_fields::layers, "layers");
    add_up(&target_fields::annotations, "annotations");
    add_up(&target_fields::attest, "attest");
    replace(&target_fields::platforms, "platforms");
    replace_if_set(base.file_platforms, over.file_platforms);  // no override changes it
    replace(&target_fields::tags, "tags");
    replace(&target_fields::outputs, "output");
    replace(&target_fields::entrypoint, "entrypoint");
    replace(&target_fields::cmd, "cmd");
    add_up(&target_fields::labels, "labels");
    add_up(&target_fields::env, "env");
}

const std::vector<std::string_view>& target_keys()
{
    static const std::vector<std::string_view> keys = {
        "description", "context", "layers", "from", "platforms", "tags", "output", "annotations",
        "attest", "labels", "entrypoint", "cmd", "env", "workdir", "user", "source-date-epoch",
        "inherits", "matrix", "name",
    };
    return keys;
}

bool is_build_key(std::string_view key)
{
    return std::find(build_keys.begin(), build_keys.end(), key) != build_keys.end();
}

std::string build_key_message(std::string_view key)
{
    return "\"" + std::string(key) + "\" is a Dockerfile build key; lading exports directory trees and tarballs, "
           "it does not run builds (use \"context\", \"layers\" and \"from\")";
}

bool assign_field(target_fields& fields, const std::string& key, const json_node& value, const fs::path& base_dir,
                  const fs::path& file, diagnostics& problems)
{
    field_reader read(key, value, file, problems);
    if (key == "description") {
        fields.description = read.string();
    } else if (key == "from") {
        fields.from = read.string();
    } else if (key == "workdir") {
        fields.workdir = read.string();
    } else if (key == "user") {
        fields.user = read.string();
    } else if (key == "context") {
        if (auto s = read.string()) fields.context = absolute_from(base_dir, *s);
    } else if (key == "source-date-epoch") {
        auto s = read.string();
        if (s && (s->empty() || s->find_first_not_of("0123456789") != std::string::npos))
            read.fail_at(value, "\"source-date-epoch\" must be whole seconds since 1970, found \"" + *s + "\"");
        else if (s)
            fields.source_date_epoch = *s;
    } else if (key == "layers") {
        if (auto list = read.string_list())
            for (const auto& l : *list) fields.layers.push_back(absolute_layer(base_dir, l));
    } else if (key == "annotations") {
        if (auto list = read.string_list()) append(fields.annotations, *list);
    } else if (key == "attest") {
        if (auto list = read.record_list())
            for (const auto& a : *list) {
                std::string error;
                if (auto record = absolute_attest(base_dir, a, error))
                    fields.attest.push_back(*record);
                else
                    read.fail_at(value, "bad \"attest\" entry \"" + a + "\": " + error);
            }
    } else if (key == "platforms") {
        fields.platforms = read.string_list();
    } else if (key == "tags") {
        fields.tags = read.string_list();
    } else if (key == "output") {
        fields.outputs = read.record_list();
    } else if (key == "entrypoint") {
        fields.entrypoint = read.command();
    } else if (key == "cmd") {
        fields.cmd = read.command();
    } else if (key == "labels") {
        if (auto m = read.string_map()) fields.labels = *m;
    } else if (key == "env") {
        if (auto m = read.string_map()) fields.env = *m;
    } else if (key == "inherits") {
        if (!value.is_array()) {
            read.fail_at(value, "\"inherits\" must be a list of target names, found " + std::string(kind_name(value.type)));
        } else {
            std::vector<named_reference> parents;
            for (const auto& item : value.items) {
                if (!item.is_string())
                    read.fail_at(item, "an entry of \"inherits\" must be a target name, found " +
                                           std::string(kind_name(item.type)));
                else
                    parents.push_back({item.text, {file, item.at}});
            }
            fields.inherits = parents;
        }
    }
    return read.ok();
}

target to_target(const std::string& name, const target_fields& f)
{
    target t;
    t.name = name;
    t.description = f.description;
    t.context = f.context;
    // Files, parents and --set add up; what several of them give is there once.
    t.layers = text::without_repeats(f.layers);
    t.platforms = without_repeats_or_empties(f.platforms.value_or(std::vector<std::string>{}));
    t.file_platforms = f.file_platforms ? without_repeats_or_empties(*f.file_platforms) : t.platforms;
    t.tags = without_repeats_or_empties(f.tags.value_or(std::vector<std::string>{}));
    t.outputs = text::without_repeats(f.outputs.value_or(std::vector<std::string>{}));  // as bake's Exports.Normalize
    t.annotations = without_repeats_or_empties(f.annotations);
    t.attest = one_attest_per_type(f.attest);
    t.labels = f.labels;
    t.env = f.env;
    t.from = f.from;
    t.entrypoint = f.entrypoint;
    t.cmd = f.cmd;
    t.workdir = f.workdir;
    t.user = f.user;
    t.source_date_epoch = f.source_date_epoch;
    return t;
}

}  // namespace lading::bake
