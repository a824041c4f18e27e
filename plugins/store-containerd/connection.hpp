// One gRPC channel to a containerd daemon, the namespace every call is made in, and the lease
// that keeps what an export writes alive until its names are set.
#pragma once

#include <github.com/containerd/containerd/api/services/content/v1/content.grpc.pb.h>
#include <github.com/containerd/containerd/api/services/diff/v1/diff.grpc.pb.h>
#include <github.com/containerd/containerd/api/services/images/v1/images.grpc.pb.h>
#include <github.com/containerd/containerd/api/services/leases/v1/leases.grpc.pb.h>
#include <github.com/containerd/containerd/api/services/namespaces/v1/namespace.grpc.pb.h>
#include <github.com/containerd/containerd/api/services/snapshots/v1/snapshots.grpc.pb.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace containerd_store {

namespace api {
namespace content = containerd::services::content::v1;
namespace diff = containerd::services::diff::v1;
namespace images = containerd::services::images::v1;
namespace leases = containerd::services::leases::v1;
namespace namespaces = containerd::services::namespaces::v1;
namespace snapshots = containerd::services::snapshots::v1;
}  // namespace api

// Where to find containerd, read as ctr reads it: the location the host passes (its --store)
// or $CONTAINERD_ADDRESS or /run/containerd/containerd.sock; $CONTAINERD_NAMESPACE or
// "default"; $CONTAINERD_SNAPSHOTTER or "overlayfs".
struct daemon_place {
    std::string address;
    std::string name_space;
    std::string snapshotter;
};
daemon_place place_from(const char* location);

// How long an export's lease outlives a killed export: $LADING_CONTAINERD_LEASE_EXPIRY
// seconds, 24 hours by default.
std::chrono::seconds lease_expiry();

enum class call_kind { read, leased };

class connection {
public:
    // Checks that containerd answers and, for reading, that the namespace exists; throws
    // std::runtime_error with one line saying what is wrong.
    connection(daemon_place place, bool for_reading);
    // Deletes the lease, if one was taken: from then on names and snapshot labels alone keep
    // the content.
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    const daemon_place& place() const { return place_; }

    // A context for one call in the namespace; a leased call first takes the lease.
    std::unique_ptr<grpc::ClientContext> context(call_kind kind);

    // Throws std::runtime_error("<what>: <containerd's reason>") unless s is OK.
    [[noreturn]] void fail(const grpc::Status& s, const std::string& what) const;
    void check(const grpc::Status& s, const std::string& what) const
    {
        if (!s.ok()) fail(s, what);
    }

    api::content::Content::Stub& content() { return *content_; }
    api::images::Images::Stub& images() { return *images_; }
    api::diff::Diff::Stub& diff() { return *diff_; }
    api::snapshots::Snapshots::Stub& snapshots() { return *snapshots_; }

private:
    const std::string& lease();

    daemon_place place_;
    std::shared_ptr<grpc::Channel> channel_;
    std::unique_ptr<api::content::Content::Stub> content_;
    std::unique_ptr<api::images::Images::Stub> images_;
    std::unique_ptr<api::leases::Leases::Stub> leases_;
    std::unique_ptr<api::diff::Diff::Stub> diff_;
    std::unique_ptr<api::snapshots::Snapshots::Stub> snapshots_;
    std::unique_ptr<api::namespaces::Namespaces::Stub> namespaces_;
    std::mutex lease_mutex_;
    std::string lease_id_;
};

}  // namespace containerd_store
