#include <lading/oci/canonical_json.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <vector>

namespace lading {

namespace {
void write(const boost::json::value& v, std::string& out)
{
    switch (v.kind()) {
    case boost::json::kind::object: {
        const auto& o = v.get_object();
        std::vector<const boost::json::key_value_pair*> members;
        members.reserve(o.size());
        for (const auto& kv : o) members.push_back(&kv);
        std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
        out += '{';
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i) out += ',';
            out += boost::json::serialize(boost::json::string(members[i]->key()));
            out += ':';
            write(members[i]->value(), out);
        }
        out += '}';
        break;
    }
    case boost::json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& e : v.get_array()) {
            if (!first) out += ',';
            first = false;
            write(e, out);
        }
        out += ']';
        break;
    }
    default:
        out += boost::json::serialize(v);
    }
}
}  // namespace

std::string canonical_json(const boost::json::value& v)
{
    std::string out;
    write(v, out);
    return out;
}

}  // namespace lading
