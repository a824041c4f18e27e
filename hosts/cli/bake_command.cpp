// lading bake: reads bake files and exports the targets they name, or prints or lists them.
#include "bake/bake_print.hpp"
#include "bake/resolve_bake.hpp"
#include "bake_run.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "export_metadata.hpp"

#include <lading/error.hpp>

#include <iostream>

namespace lading::cli {

const command_spec& bake_spec()
{
    static const command_spec spec{
        .name = "bake",
        .usage = "lading bake [-f FILE]... [TARGET|GROUP]... [--set PATTERN.KEY=VALUE]... [flags]",
        .summary = "Exports the targets of a bake file (JSON or HCL, as docker buildx bake reads them).",
        .flags =
            {
                {{"-f", "--file"}, "FILE", "bake file (- for stdin); repeatable, later files override earlier "
                                           "ones (default ./lading-bake.{json,hcl}, else ./docker-bake{,.override}.{json,hcl})"},
                {{"--set"}, "PATTERN.KEY=VALUE", "override a key of the targets matching PATTERN (a glob); "
                                                 "KEY+=VALUE appends to a list; repeatable"},
                {{"--push"}, "", "push every image output (as --set '*.push=true')"},
                {{"--print"}, "", "print the resolved targets as JSON and export nothing"},
                {{"--list"}, "targets|variables", "list the targets and groups, or the variables, and export nothing"},
                {{"--metadata-file"}, "FILE", "write BuildKit's metadata keys as JSON, one object per target"},
                {{"--progress"}, "MODE", "auto, plain, tty, rawjson or quiet, on stderr"},
                {{"--store"}, "DIR", "local store (default $LADING_STORE, else ~/.local/share/lading/store)"},
            },
        .examples =
            {
                "lading bake                      # the \"default\" group of ./lading-bake.json or ./docker-bake.hcl",
                "lading bake -f lading-bake.json app --print",
                "lading bake --set '*.platforms=linux/arm64' --set 'app.tags+=registry.example/app:edge' --push",
                "TAG=1.2 lading bake release --metadata-file meta.json",
                "lading bake --list variables",
            },
        .details = "Files hold \"variable\", \"group\" and \"target\" blocks; see the README's \"Batch exports\".\n"
                   "Every problem in the files is printed as FILE:LINE:COL with the line shown, and nothing is\n"
                   "exported (exit status 2).\n",
    };
    return spec;
}

int bake_command(const std::vector<std::string>& args)
{
    command_line cl(args, bake_spec());
    if (cl.help_requested()) return print_help(bake_spec());
    auto listing = cl.last("--list");
    if (listing && *listing != "targets" && *listing != "variables")
        throw usage_error("--list takes targets or variables, not \"" + *listing + "\"");
    if (listing && cl.has("--print")) throw usage_error("--print and --list cannot be combined");

    bake::bake_request request;
    for (const auto& f : cl.all("--file")) request.files.emplace_back(f);
    request.names = cl.positionals();
    request.overrides = cl.all("--set");
    request.push = cl.has("--push");
    if (listing)
        request.purpose = *listing == "targets" ? bake::bake_purpose::list_targets : bake::bake_purpose::list_variables;
    request.environment = bake::process_environment();

    auto reading = bake::read_bake(request);
    if (!reading.problems.empty()) {
        std::cerr << bake::render_diagnostics(reading.problems.list(), reading.sources);
        auto count = reading.problems.list().size();
        std::cerr << "lading: " << count << (count == 1 ? " problem" : " problems")
                  << " in the bake files; nothing was exported\n";
        return 2;
    }
    if (listing) {
        std::cout << (*listing == "targets" ? bake::list_targets(reading.targets)
                                            : bake::list_variables(reading.variables));
        return 0;
    }
    if (cl.has("--print")) {
        std::cout << bake::print_resolved(reading.resolved);
        return 0;
    }
    bake_run_flags flags;
    flags.store = cl.last("--store").value_or("");
    flags.progress = cl.last("--progress").value_or("auto");
    flags.metadata_file = cl.last("--metadata-file").value_or("");
    if (!flags.metadata_file.empty()) check_metadata_file_path(flags.metadata_file);
    return run_resolved_bake(reading.resolved, flags);
}

}  // namespace lading::cli
