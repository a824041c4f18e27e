// What one export attests: the statement files, read and checked before any work starts, and
// the provenance lading writes for each image. Statements come out in --attest order.
#pragma once

#include <lading/attestation/attest_option.hpp>
#include "attestation/provenance.hpp"
#include "attestation/statement.hpp"
#include <lading/export/export_request.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace lading::attestation {

// One platform's image of one output, as its statements describe it.
struct attested_image {
    const export_request& request;
    const output_spec& output;
    lading::platform platform;
    descriptor manifest;
    std::vector<material> materials;  // the base image first, then the layers
    std::int64_t started_on = 0;      // when the export started
    std::optional<std::int64_t> epoch;  // SOURCE_DATE_EPOCH of this output
};

class export_attestations {
public:
    // Throws lading::error naming a statement file that is missing or not a valid statement,
    // usage_error when lading is asked to write the provenance twice.
    explicit export_attestations(const std::vector<attest_option>& options);

    bool empty() const { return entries_.empty(); }
    // The statements for one image, subjects filled in, ready for its attestation manifest.
    std::vector<json_blob> statements_for(const attested_image& image) const;

private:
    struct entry {
        attest_option option;
        std::optional<statement> from_file;  // none: lading writes the provenance
    };
    std::vector<entry> entries_;
};

}  // namespace lading::attestation
