#include "bake/evaluation_budget.hpp"

namespace lading::bake {

namespace {

struct budget {
    int scopes = 0;
    int depth = 0;
    std::size_t rounds = 0;
    std::size_t copies = 0;
};

thread_local budget current;

}  // namespace

evaluation_scope::evaluation_scope()
{
    if (current.scopes++ == 0) current = budget{1, 0, 0, 0};
}

evaluation_scope::~evaluation_scope() { --current.scopes; }

bool spend_loop_round() { return ++current.rounds <= max_loop_rounds; }

bool spend_copies(std::size_t values)
{
    current.copies += values;
    return current.copies <= max_copied_values;
}

bool enter_level() { return ++current.depth <= max_evaluation_depth; }

void leave_level() { --current.depth; }

evaluation_level::evaluation_level() { enter_level(); }

evaluation_level::~evaluation_level() { leave_level(); }

bool evaluation_level::entered() const { return current.depth <= max_evaluation_depth; }

}  // namespace lading::bake
