#include "bake/evaluation_budget.hpp"

namespace lading::bake {

namespace {

struct budget {
    int scopes = 0;
    // Levels are entered and left in pairs, so they stand as they are when a scope opens.
    int depth = 0;
    int templates = 0;
    std::size_t rounds = 0;
    std::size_t copies = 0;
};

thread_local budget current;

}  // namespace

evaluation_scope::evaluation_scope()
{
    if (current.scopes++ > 0) return;
    current.rounds = 0;
    current.copies = 0;
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

evaluation_level::evaluation_level(kind k) : kind_(k)
{
    if (kind_ == kind::evaluation)
        enter_level();
    else
        ++current.templates;
}

evaluation_level::~evaluation_level()
{
    if (kind_ == kind::evaluation)
        leave_level();
    else
        --current.templates;
}

bool evaluation_level::entered() const
{
    return kind_ == kind::evaluation ? current.depth <= max_evaluation_depth
                                     : current.templates <= max_template_nesting;
}

}  // namespace lading::bake
