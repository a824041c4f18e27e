#include "bake/evaluation_budget.hpp"

namespace lading::bake {

namespace {

struct budget {
    int scopes = 0;
    // Levels are entered and left in pairs, so they stand as they are when a scope opens.
    int depth = 0;
    int templates = 0;
    int calls = 0;
    std::size_t rounds = 0;
    std::size_t copies = 0;
    std::size_t bytes = 0;
    // What all of one read of bake files spends, counted inside a files_budget only.
    int reads = 0;
    std::size_t all_rounds = 0;
    std::size_t all_bytes = 0;
};

thread_local budget current;

}  // namespace

evaluation_scope::evaluation_scope()
{
    if (current.scopes++ > 0) return;
    current.rounds = 0;
    current.copies = 0;
    current.bytes = 0;
}

evaluation_scope::~evaluation_scope() { --current.scopes; }

fresh_rounds::fresh_rounds() : rounds_(current.rounds), copies_(current.copies), bytes_(current.bytes)
{
    current.rounds = 0;
    current.copies = 0;
    current.bytes = 0;
}

fresh_rounds::~fresh_rounds()
{
    current.rounds = rounds_;
    current.copies = copies_;
    current.bytes = bytes_;
}

files_budget::files_budget()
{
    if (current.reads++ > 0) return;
    current.all_rounds = 0;
    current.all_bytes = 0;
}

files_budget::~files_budget() { --current.reads; }

bool spend_loop_round()
{
    ++current.all_rounds;
    return ++current.rounds <= max_loop_rounds && (current.reads == 0 || current.all_rounds <= max_files_rounds);
}

bool spend_bytes(std::size_t bytes)
{
    current.bytes += bytes;
    current.all_bytes += bytes;
    return current.bytes <= max_processed_bytes && (current.reads == 0 || current.all_bytes <= max_files_bytes);
}

std::string bytes_spent()
{
    return "the values copied and the functions' arguments and results come to more than " +
           std::to_string(max_processed_bytes >> 20) + " MiB in one value (" + std::to_string(max_files_bytes >> 20) +
           " MiB in all the files)";
}

std::string loop_rounds_spent()
{
    return "loops repeat more than " + std::to_string(max_loop_rounds) + " times in one value (" +
           std::to_string(max_files_rounds) + " in all the files; [for], %{for} and calls of \"function\" blocks together)";
}

bool spend_copies(std::size_t values)
{
    current.copies += values;
    return current.copies <= max_copied_values;
}

bool enter_level() { return ++current.depth <= max_evaluation_depth; }

void leave_level() { --current.depth; }

namespace {

int& count_of(evaluation_level::kind k)
{
    switch (k) {
    case evaluation_level::kind::evaluation: return current.depth;
    case evaluation_level::kind::template_in_string: return current.templates;
    case evaluation_level::kind::function_call: return current.calls;
    }
    return current.depth;
}

int limit_of(evaluation_level::kind k)
{
    switch (k) {
    case evaluation_level::kind::evaluation: return max_evaluation_depth;
    case evaluation_level::kind::template_in_string: return max_template_nesting;
    case evaluation_level::kind::function_call: return max_function_nesting;
    }
    return max_evaluation_depth;
}

}  // namespace

evaluation_level::evaluation_level(kind k) : kind_(k) { ++count_of(kind_); }

evaluation_level::~evaluation_level() { --count_of(kind_); }

bool evaluation_level::entered() const { return count_of(kind_) <= limit_of(kind_); }

}  // namespace lading::bake
