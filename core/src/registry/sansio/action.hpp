// What a registry state machine asks its I/O loop to do next.
#pragma once

#include "registry/url.hpp"

#include "failure.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace lading::registry::sansio {

struct action {
    enum class kind {
        send,         // send the request to `target` with `authorization`, then report the outcome
        fetch_token,  // obtain a Bearer token for the request's scopes, then report it
        wait,         // sleep `delay`, then report the timer's expiry
        fail,         // give up with `error`
        done,         // the last response is the answer
    };

    kind type = kind::done;
    url target;
    std::string authorization;    // header value; empty for none
    std::size_t body_limit = 0;   // cap on a response body read into memory
    std::chrono::milliseconds delay{0};
    failure error;

    static action send(url target, std::string authorization, std::size_t body_limit)
    {
        action a;
        a.type = kind::send;
        a.target = std::move(target);
        a.authorization = std::move(authorization);
        a.body_limit = body_limit;
        return a;
    }
    static action fetch_token() { return with(kind::fetch_token); }
    static action wait(std::chrono::milliseconds d)
    {
        auto a = with(kind::wait);
        a.delay = d;
        return a;
    }
    static action fail(failure f)
    {
        auto a = with(kind::fail);
        a.error = std::move(f);
        return a;
    }
    static action done() { return with(kind::done); }

private:
    static action with(kind k)
    {
        action a;
        a.type = k;
        return a;
    }
};

}  // namespace lading::registry::sansio
