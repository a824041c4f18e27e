#include "attestation/export_attestations.hpp"
#include "attestation/subject.hpp"
#include <lading/error.hpp>

#include <ctime>

namespace lading::attestation {

namespace {

provenance_facts provenance_of(const attested_image& image, const std::string& builder_id)
{
    provenance_facts facts;
    facts.builder_id = builder_id;
    facts.parameters = export_parameters(image.request, image.output, image.platform);
    facts.materials = image.materials;
    // With an epoch both times are the epoch: the provenance then depends on the inputs only.
    facts.started_on = image.epoch.value_or(image.started_on);
    facts.finished_on = image.epoch.value_or(static_cast<std::int64_t>(std::time(nullptr)));
    facts.reproducible = image.epoch.has_value();
    return facts;
}

}  // namespace

export_attestations::export_attestations(const std::vector<attest_option>& options)
{
    bool generated_provenance = false;
    for (const auto& option : options) {
        entry e{option, std::nullopt};
        if (option.path) {
            e.from_file = read_statement_file(*option.path, option.kind);
        } else {
            if (generated_provenance)
                throw usage_error("--attest type=provenance without path is given twice; lading writes one provenance per image");
            generated_provenance = true;
        }
        entries_.push_back(std::move(e));
    }
}

std::vector<json_blob> export_attestations::statements_for(const attested_image& image) const
{
    auto subjects = image_subjects(image.output.names, image.platform, image.manifest.digest);
    std::vector<json_blob> out;
    for (const auto& e : entries_) {
        if (e.from_file) out.push_back(render_statement(*e.from_file, subjects));
        else out.push_back(render_statement(make_provenance(provenance_of(image, e.option.builder_id)), subjects));
    }
    return out;
}

}  // namespace lading::attestation
