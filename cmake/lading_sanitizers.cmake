# LADING_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer for every target, plugins
# included (they are dlopen'ed into sanitized hosts and must share the runtime's flags).
# LADING_FUZZ: the libFuzzer targets in tests/fuzz (clang only); the code under test gets
# coverage instrumentation so libFuzzer can steer, the targets link libFuzzer's main.
option(LADING_SANITIZE "Build with -fsanitize=address,undefined" OFF)
option(LADING_FUZZ "Build the libFuzzer targets in tests/fuzz (clang, implies LADING_SANITIZE)" OFF)

if(LADING_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LADING_FUZZ needs clang (e.g. CXX=clang++-16)")
  endif()
  set(LADING_SANITIZE ON)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(LADING_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
