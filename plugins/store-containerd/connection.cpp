#include "connection.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <random>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

namespace containerd_store {

namespace {

std::string env_or(const char* name, const char* fallback)
{
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

// containerd's socket as a file path: ctr takes a bare path or unix://PATH.
std::string socket_path(const std::string& address)
{
    if (address.starts_with("unix://")) return address.substr(7);
    if (address.starts_with("unix:")) return address.substr(5);
    return address;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point t)
{
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string random_suffix()
{
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> d;
    char hex[17];
    auto [end, ec] = std::to_chars(hex, hex + 16, d(rd), 16);
    *end = '\0';
    return hex;
}

void check_socket_file(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error("no containerd socket at " + path +
                                 ": is containerd running? (CONTAINERD_ADDRESS or --store name its socket)");
    if (!S_ISSOCK(st.st_mode))
        throw std::runtime_error(path + " is not a socket; CONTAINERD_ADDRESS or --store must name containerd's socket");
}

// containerd's rule for identifiers: [A-Za-z0-9]+ joined by single '.', '_' or '-', at most 76.
bool valid_namespace(const std::string& name)
{
    if (name.empty() || name.size() > 76) return false;
    bool after_separator = true;
    for (char ch : name) {
        if (std::isalnum(static_cast<unsigned char>(ch))) after_separator = false;
        else if ((ch == '.' || ch == '_' || ch == '-') && !after_separator) after_separator = true;
        else return false;
    }
    return !after_separator;
}

}  // namespace

daemon_place place_from(const char* location)
{
    daemon_place p;
    p.address = location && *location ? location : env_or("CONTAINERD_ADDRESS", "/run/containerd/containerd.sock");
    p.name_space = env_or("CONTAINERD_NAMESPACE", "default");
    p.snapshotter = env_or("CONTAINERD_SNAPSHOTTER", "overlayfs");
    return p;
}

std::chrono::seconds lease_expiry()
{
    const char* v = std::getenv("LADING_CONTAINERD_LEASE_EXPIRY");
    if (!v || !*v) return std::chrono::hours(24);
    long long n = 0;
    auto [end, ec] = std::from_chars(v, v + std::char_traits<char>::length(v), n);
    if (ec != std::errc() || *end != '\0' || n < 1)
        throw std::runtime_error(std::string("LADING_CONTAINERD_LEASE_EXPIRY=") + v + " must be a whole number of seconds");
    return std::chrono::seconds(n);
}

connection::connection(daemon_place place, bool for_reading) : place_(std::move(place))
{
    const auto path = socket_path(place_.address);
    check_socket_file(path);
    if (!valid_namespace(place_.name_space))
        throw std::runtime_error("CONTAINERD_NAMESPACE=" + place_.name_space +
                                 " is not a namespace name: letters and digits, joined by single '.', '_' or '-'");
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(16 << 20);
    args.SetMaxSendMessageSize(16 << 20);
    channel_ = grpc::CreateCustomChannel("unix:" + path, grpc::InsecureChannelCredentials(), args);
    content_ = api::content::Content::NewStub(channel_);
    images_ = api::images::Images::NewStub(channel_);
    leases_ = api::leases::Leases::NewStub(channel_);
    diff_ = api::diff::Diff::NewStub(channel_);
    snapshots_ = api::snapshots::Snapshots::NewStub(channel_);
    namespaces_ = api::namespaces::Namespaces::NewStub(channel_);

    // containerd answers Get for any name; only List tells which namespaces exist.
    grpc::ClientContext probe;
    probe.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    api::namespaces::ListNamespacesRequest req;
    api::namespaces::ListNamespacesResponse resp;
    check(namespaces_->List(&probe, req, &resp), "listing namespaces");
    for (const auto& n : resp.namespaces())
        if (n.name() == place_.name_space) return;
    // Writing creates a namespace, as ctr does; reading from one that is not there is a mistake.
    if (for_reading)
        throw std::runtime_error("containerd at " + path + " has no namespace \"" + place_.name_space +
                                 "\" (CONTAINERD_NAMESPACE)");
}

connection::~connection()
{
    if (lease_id_.empty()) return;
    grpc::ClientContext ctx;
    ctx.AddMetadata("containerd-namespace", place_.name_space);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    api::leases::DeleteRequest req;
    req.set_id(lease_id_);
    google::protobuf::Empty empty;
    // A lease that cannot be deleted expires by itself.
    (void)leases_->Delete(&ctx, req, &empty);
}

const std::string& connection::lease()
{
    std::lock_guard lock(lease_mutex_);
    if (!lease_id_.empty()) return lease_id_;
    grpc::ClientContext ctx;
    ctx.AddMetadata("containerd-namespace", place_.name_space);
    api::leases::CreateRequest req;
    const auto id = "lading-" + std::to_string(::getpid()) + "-" + random_suffix();
    req.set_id(id);
    (*req.mutable_labels())["containerd.io/gc.expire"] =
        rfc3339_utc(std::chrono::system_clock::now() + lease_expiry());
    api::leases::CreateResponse resp;
    check(leases_->Create(&ctx, req, &resp), "creating a lease");
    lease_id_ = id;
    return lease_id_;
}

std::unique_ptr<grpc::ClientContext> connection::context(call_kind kind)
{
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("containerd-namespace", place_.name_space);
    if (kind == call_kind::leased) ctx->AddMetadata("containerd-lease", lease());
    return ctx;
}

void connection::fail(const grpc::Status& s, const std::string& what) const
{
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
        throw std::runtime_error("containerd at " + socket_path(place_.address) + " does not answer (" +
                                 s.error_message() + "): is it running?");
    throw std::runtime_error(what + ": containerd says: " + s.error_message());
}

}  // namespace containerd_store
