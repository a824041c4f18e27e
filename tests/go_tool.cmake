# Test tools written in Go against libraries Debian packages in GOPATH form under
# /usr/share/gocode (built with GO111MODULE=off, so nothing is downloaded):
#   lading_add_go_tool(TARGET BINARY SOURCE PACKAGE_DIR DESCRIPTION DEBIAN_PACKAGES)
# builds SOURCE into BINARY behind the custom target TARGET when `go` and PACKAGE_DIR (a
# directory under /usr/share/gocode/src the tool needs) exist. Otherwise TARGET is empty,
# a status line names DEBIAN_PACKAGES, and the tests that run BINARY fail for want of it.
set(LADING_GOPATH /usr/share/gocode)
find_program(LADING_GO_PROGRAM go)

function(lading_add_go_tool target binary source package_dir description debian_packages)
  if(LADING_GO_PROGRAM AND EXISTS ${LADING_GOPATH}/src/${package_dir})
    add_custom_command(
      OUTPUT ${binary}
      COMMAND ${CMAKE_COMMAND} -E env GO111MODULE=off
        GOPATH=${CMAKE_CURRENT_BINARY_DIR}/gopath:${LADING_GOPATH}
        GOCACHE=${CMAKE_CURRENT_BINARY_DIR}/go-cache GOENV=off GOFLAGS= CGO_ENABLED=0
        ${LADING_GO_PROGRAM} build -o ${binary} ${CMAKE_CURRENT_SOURCE_DIR}/${source}
      DEPENDS ${source}
      COMMENT "Building the ${description} (Go)"
      VERBATIM)
    add_custom_target(${target} DEPENDS ${binary})
  else()
    message(STATUS "${description} not built: needs ${debian_packages}")
    add_custom_target(${target})
  endif()
endfunction()
