#include "bake_run.hpp"

#include <lading/error.hpp>

namespace lading::cli {

int run_resolved_bake(const lading::bake::resolved_bake&, const bake_run_flags&)
{
    throw lading::error("lading bake: running targets is not built yet; use --print or --list");
}

}  // namespace lading::cli
