// What evaluating one bake value may spend, however its expressions, directives, strings inside
// expressions, the variables they name and the functions they call nest: loop rounds ([for]
// bodies, %{for} rounds and calls of "function" blocks together), values copied out of names,
// the depth of nested evaluation, of templates inside strings of expressions and of function
// calls (each level is stack). A file of a few lines could otherwise ask for hours of work or more stack than there
// is. The budget belongs to the thread; the outermost evaluation_scope opens a fresh one.
#pragma once

#include <cstddef>
#include <string>

namespace lading::bake {

constexpr std::size_t max_loop_rounds = 1u << 20;
constexpr std::size_t max_copied_values = 1u << 24;
// The bytes of the values copied out of names and of functions' arguments and results: a
// value may be large (1 MiB), so counting values alone would let a loop copy terabytes.
constexpr std::size_t max_processed_bytes = std::size_t{256} << 20;
// All of one read of bake files together: each variable has a budget of its own, and a file
// may hold many.
constexpr std::size_t max_files_rounds = max_loop_rounds * 4;
constexpr std::size_t max_files_bytes = max_processed_bytes * 4;
constexpr int max_evaluation_depth = 400;
constexpr int max_template_nesting = 32;
constexpr int max_function_nesting = 32;

class evaluation_scope {
public:
    evaluation_scope();
    ~evaluation_scope();
    evaluation_scope(const evaluation_scope&) = delete;
    evaluation_scope& operator=(const evaluation_scope&) = delete;
};

// A budget of loop rounds and copies of its own for as long as it lives (the levels stay
// shared: they are stack): a variable resolved while another value reads it costs that value
// nothing, so whether a file is within the budget does not depend on the order of resolution.
class fresh_rounds {
public:
    fresh_rounds();
    ~fresh_rounds();
    fresh_rounds(const fresh_rounds&) = delete;
    fresh_rounds& operator=(const fresh_rounds&) = delete;

private:
    std::size_t rounds_, copies_, bytes_;
};

// The budget of all the values of one read of bake files, for as long as it lives.
class files_budget {
public:
    files_budget();
    ~files_budget();
    files_budget(const files_budget&) = delete;
    files_budget& operator=(const files_budget&) = delete;
};

// Each is false once the budget is spent; the caller reports it.
bool spend_loop_round();
std::string loop_rounds_spent();  // the report
bool spend_copies(std::size_t values);
bool spend_bytes(std::size_t bytes);
std::string bytes_spent();  // the report

// One level deeper, and back; enter_level() is false past max_evaluation_depth (the level
// counts all the same: leave it).
bool enter_level();
void leave_level();

// One level deeper for as long as it lives: of evaluation (entered() is false past
// max_evaluation_depth), of a template inside a string of an expression (past
// max_template_nesting), or of calls of "function" blocks (past max_function_nesting).
class evaluation_level {
public:
    enum class kind { evaluation, template_in_string, function_call };
    explicit evaluation_level(kind k = kind::evaluation);
    ~evaluation_level();
    evaluation_level(const evaluation_level&) = delete;
    evaluation_level& operator=(const evaluation_level&) = delete;
    bool entered() const;

private:
    kind kind_;
};

}  // namespace lading::bake
