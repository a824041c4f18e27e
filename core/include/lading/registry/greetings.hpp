// What lading learns from greeting a registry (GET /v2/, before anything else): whether it
// is reached over https or plain http, how it asks to be authenticated, and where in the
// network it was found. Sessions given the same greetings greet each registry once between
// them: the layers one export streams while they are built and its push, the targets of a
// `lading bake`, or the pushes an embedder runs side by side. A session that starts while
// another one greets the same registry (same host, registry.insecure, http setting and CA
// files) waits for that answer instead of asking too. A failed greeting is not kept: the
// next session greets the registry itself. Only one the registry left unanswered
// (errc::unresponsive) fails the sessions that waited for it too, instead of each waiting as
// long again.
//
// What was learned is kept for the object's lifetime, so share one only among sessions that
// run together (an export, a batch), not for the life of a long-running program. Thread-safe.
#pragma once

#include <memory>

namespace lading::registry {

class greetings {
public:
    greetings();
    ~greetings();
    greetings(const greetings&) = delete;
    greetings& operator=(const greetings&) = delete;

    struct table;  // registry/greetings_table.hpp
    table& learned() { return *table_; }

private:
    std::unique_ptr<table> table_;
};

}  // namespace lading::registry
