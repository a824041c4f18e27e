// Runs a function when a scope ends, also when the frame of a suspended coroutine is
// destroyed instead of resumed: the way a coroutine makes sure the others waiting on it are
// released whatever becomes of it.
#pragma once

#include <utility>

namespace lading::async {

template <typename F>
class at_scope_end {
public:
    explicit at_scope_end(F f) : f_(std::move(f)) {}
    ~at_scope_end() { f_(); }
    at_scope_end(const at_scope_end&) = delete;
    at_scope_end& operator=(const at_scope_end&) = delete;

private:
    F f_;
};

}  // namespace lading::async
