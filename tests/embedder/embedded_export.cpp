// embedded_export DIR STORE NAME: exports DIR as a one-layer image into the oci-layout STORE
// and pushes it as NAME, through lading's public API alone. Prints the image's digest.
#include <lading/error.hpp>
#include <lading/export/exporter.hpp>
#include <lading/plugin/catalog.hpp>

#include <iostream>

namespace {

// Counts the blobs the push reports, to show an embedder sees push progress.
struct counting_listener : lading::progress_listener {
    unsigned pushed = 0;
    void blob_push_done(std::string_view, const lading::digest&, std::uint64_t, blob_push_outcome) override { ++pushed; }
};

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: embedded_export DIR STORE NAME\n";
        return 2;
    }
    try {
        lading::export_request request;
        request.layers = {{.path = argv[1]}};
        request.store_location = argv[2];
        request.platforms = {lading::platform::parse("linux/amd64")};
        request.source_date_epoch = 1700000000;
        request.outputs = {lading::parse_output_spec(std::string("type=image,push=true,registry.insecure=true,name=") + argv[3])};
        lading::plugin::catalog plugins({LADING_PLUGIN_DIR});
        counting_listener progress;
        auto results = lading::run_export(request, plugins, progress);
        std::cout << results.at(0).root.digest.str() << " " << progress.pushed << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "embedded_export: " << e.what() << "\n";
        return 1;
    }
}
