// What lading remembers between runs of a registry that caps request bodies: the chunk size
// that passed there (registry/chunked_upload.hpp), in a small file per host under the cache
// directory. For a day after it was written, sessions to that host start with it: no blob
// larger than that goes up in one request, and layers are streamed there in chunks of it
// (registry/streaming_upload.hpp), so the proxy in front refuses nothing and nothing is sent
// twice. After a day the next push finds the limit again, so a limit that was raised is
// noticed. A note that cannot be read or written is ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lading::registry {

inline constexpr std::chrono::hours upload_chunk_note_lifetime{24};

// Where the note for `host` is ("<cache>/upload-chunks/<host>"); nothing without a cache
// directory.
std::optional<std::filesystem::path> upload_chunk_note(const std::string& host);

// The chunk size noted for `host` less than a day ago, if any.
std::optional<std::uint64_t> remembered_upload_chunk_size(const std::string& host);

void remember_upload_chunk_size(const std::string& host, std::uint64_t bytes);

}  // namespace lading::registry
