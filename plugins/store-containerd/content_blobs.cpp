#include "content_blobs.hpp"

#include <atomic>
#include <cstring>
#include <stdexcept>

#include <unistd.h>

namespace containerd_store {

namespace {
constexpr std::size_t chunk_size = 1 << 20;
constexpr std::size_t head_limit = 4 << 20;

std::string new_ref()
{
    static std::atomic<std::uint64_t> counter{0};
    static const auto started = std::chrono::steady_clock::now().time_since_epoch().count();
    return "lading-" + std::to_string(::getpid()) + "-" + std::to_string(started) + "-" + std::to_string(++counter);
}
}  // namespace

std::optional<content_info> info_of(connection& c, const std::string& digest)
{
    auto ctx = c.context(call_kind::read);
    api::content::InfoRequest req;
    req.set_digest(digest);
    api::content::InfoResponse resp;
    auto s = c.content().Info(ctx.get(), req, &resp);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
    c.check(s, "blob " + digest);
    return content_info{static_cast<std::uint64_t>(resp.info().size()),
                        label_map(resp.info().labels().begin(), resp.info().labels().end())};
}

std::optional<std::uint64_t> content_size(connection& c, const std::string& digest)
{
    auto info = info_of(c, digest);
    return info ? std::optional(info->size) : std::nullopt;
}

std::string read_content(connection& c, const std::string& digest, std::size_t limit)
{
    content_reader r(c, digest);
    std::string all;
    std::uint8_t buf[64 << 10];
    while (auto n = r.read(buf, sizeof buf)) {
        if (all.size() + n > limit) throw std::runtime_error("blob " + digest + " is larger than expected");
        all.append(reinterpret_cast<const char*>(buf), n);
    }
    return all;
}

bool set_content_labels(connection& c, const std::string& digest, const label_map& labels)
{
    if (labels.empty()) return true;
    auto ctx = c.context(call_kind::read);
    api::content::UpdateRequest req;
    req.mutable_info()->set_digest(digest);
    for (const auto& [k, v] : labels) {
        (*req.mutable_info()->mutable_labels())[k] = v;
        req.mutable_update_mask()->add_paths("labels." + k);
    }
    api::content::UpdateResponse resp;
    auto s = c.content().Update(ctx.get(), req, &resp);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) return false;
    c.check(s, "labelling blob " + digest);
    return true;
}

content_writer::content_writer(connection& c) : c_(c), ref_(new_ref()) {}

content_writer::~content_writer()
{
    if (done_ || !stream_) return;
    ctx_->TryCancel();
    (void)stream_->Finish();
    auto ctx = c_.context(call_kind::read);
    api::content::AbortRequest req;
    req.set_ref(ref_);
    google::protobuf::Empty empty;
    (void)c_.content().Abort(ctx.get(), req, &empty);
}

// containerd answers a commit twice (its reply, then the last state again); a stream's
// status comes only once every reply has been read.
grpc::Status content_writer::finish()
{
    api::content::WriteContentResponse ignored;
    while (stream_->Read(&ignored)) {
    }
    return stream_->Finish();
}

void content_writer::send(api::content::WriteContentRequest& req)
{
    if (!stream_) {
        ctx_ = c_.context(call_kind::leased);
        stream_ = c_.content().Write(ctx_.get());
    }
    req.set_ref(ref_);
    req.set_offset(static_cast<std::int64_t>(sent_));
    api::content::WriteContentResponse resp;
    if (!stream_->Write(req) || !stream_->Read(&resp)) {
        done_ = true;
        auto s = finish();
        if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS && req.action() == api::content::COMMIT) return;
        c_.fail(s.ok() ? grpc::Status(grpc::StatusCode::UNKNOWN, "the write stream ended early") : s,
                "writing " + (req.expected().empty() ? "a blob" : req.expected()));
    }
    sent_ += req.data().size();
}

void content_writer::write(const std::uint8_t* data, std::size_t len)
{
    if (head_.size() < head_limit)
        head_.append(reinterpret_cast<const char*>(data), std::min(len, head_limit - head_.size()));
    written_ += len;
    while (len > 0) {
        auto n = std::min(len, chunk_size - pending_.size());
        pending_.append(reinterpret_cast<const char*>(data), n);
        data += n;
        len -= n;
        if (pending_.size() == chunk_size) {
            api::content::WriteContentRequest req;
            req.set_action(api::content::WRITE);
            req.set_data(std::move(pending_));
            pending_.clear();
            send(req);
        }
    }
}

void content_writer::commit(const std::string& digest, const label_map& labels)
{
    api::content::WriteContentRequest req;
    req.set_action(api::content::COMMIT);
    req.set_data(std::move(pending_));
    pending_.clear();
    req.set_total(static_cast<std::int64_t>(written_));
    req.set_expected(digest);
    for (const auto& [k, v] : labels) (*req.mutable_labels())[k] = v;
    send(req);
    if (done_) return;  // containerd had it already
    done_ = true;
    stream_->WritesDone();
    auto s = finish();
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) return;
    c_.check(s, "committing " + digest);
}

content_reader::content_reader(connection& c, const std::string& digest)
    : c_(c), digest_(digest), ctx_(c.context(call_kind::read))
{
    api::content::ReadContentRequest req;
    req.set_digest(digest);
    stream_ = c_.content().Read(ctx_.get(), req);
}

content_reader::~content_reader()
{
    if (ended_) return;
    ctx_->TryCancel();
    (void)stream_->Finish();
}

std::size_t content_reader::read(std::uint8_t* buf, std::size_t len)
{
    while (!ended_ && used_ == chunk_.data().size()) {
        used_ = 0;
        if (!stream_->Read(&chunk_)) {
            ended_ = true;
            chunk_.clear_data();
            c_.check(stream_->Finish(), "reading blob " + digest_);
        }
    }
    if (ended_) return 0;
    auto n = std::min(len, chunk_.data().size() - used_);
    std::memcpy(buf, chunk_.data().data() + used_, n);
    used_ += n;
    return n;
}

}  // namespace containerd_store
