// Which deflate encoder a gzip level goes through.
//
// By default levels 1 and 2 go through ISA-L's igzip on x86-64: several times faster than
// libdeflate, and the same bytes on every x86-64 CPU with SSE4.2, whichever of its SIMD
// paths igzip picks. Level 3 and every other level go through libdeflate, whose bytes are
// the same on any machine: igzip's level 3 differs between CPU families. Other
// architectures use libdeflate throughout.
//
// LADING_GZIP_ENCODER=libdeflate keeps libdeflate for every level (the same bytes on every
// architecture); LADING_GZIP_ENCODER=isal also takes level 3 through igzip.
#pragma once

namespace lading::plugins::gzip {

enum class deflate_encoder { libdeflate, isal };

// Throws std::invalid_argument when LADING_GZIP_ENCODER holds anything else.
deflate_encoder encoder_for_level(int level);

}  // namespace lading::plugins::gzip
