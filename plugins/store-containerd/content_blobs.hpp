// Blobs in containerd's content store: Info, a streamed Write committed with its expected
// digest and total size, a streamed Read, and label updates.
#pragma once

#include "connection.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace containerd_store {

using label_map = std::map<std::string, std::string>;

struct content_info {
    std::uint64_t size;
    label_map labels;
};
// What containerd knows of a blob the namespace holds, or nullopt.
std::optional<content_info> info_of(connection& c, const std::string& digest);
std::optional<std::uint64_t> content_size(connection& c, const std::string& digest);

// A whole small blob (a manifest, an index, a config); throws when it is larger than limit.
std::string read_content(connection& c, const std::string& digest, std::size_t limit = 16 << 20);

// Sets (or replaces) these labels of a blob, leaving its others; false when the blob is not there.
bool set_content_labels(connection& c, const std::string& digest, const label_map& labels);

// One ingest under the export's lease, with a reference of its own.
class content_writer {
public:
    explicit content_writer(connection& c);
    ~content_writer();  // aborts unless committed
    content_writer(const content_writer&) = delete;
    content_writer& operator=(const content_writer&) = delete;

    void write(const std::uint8_t* data, std::size_t len);
    // Commits under digest with the bytes' total size and these labels; a blob containerd
    // already holds counts as committed.
    void commit(const std::string& digest, const label_map& labels);
    // The first bytes written (up to 4 MiB), and whether they are all of them.
    std::string_view head() const { return head_; }
    bool head_is_whole() const { return head_.size() == written_; }

private:
    using stream = grpc::ClientReaderWriter<api::content::WriteContentRequest, api::content::WriteContentResponse>;
    void send(api::content::WriteContentRequest& req);
    grpc::Status finish();

    connection& c_;
    std::string ref_;
    std::unique_ptr<grpc::ClientContext> ctx_;
    std::unique_ptr<stream> stream_;
    std::string pending_;
    std::string head_;
    std::uint64_t written_ = 0;
    std::uint64_t sent_ = 0;
    bool done_ = false;
};

class content_reader {
public:
    content_reader(connection& c, const std::string& digest);
    ~content_reader();
    content_reader(const content_reader&) = delete;
    content_reader& operator=(const content_reader&) = delete;

    // Bytes copied into buf, 0 at the end.
    std::size_t read(std::uint8_t* buf, std::size_t len);

private:
    connection& c_;
    std::string digest_;
    std::unique_ptr<grpc::ClientContext> ctx_;
    std::unique_ptr<grpc::ClientReader<api::content::ReadContentResponse>> stream_;
    api::content::ReadContentResponse chunk_;
    std::size_t used_ = 0;
    bool ended_ = false;
};

}  // namespace containerd_store
