# Generates protobuf and gRPC stubs for the containerd services the store uses, into the build
# tree. Debian's protoc refuses `import weak`, so each .proto is copied with those lines made
# plain imports; the import paths stay those the files name.
set(api_src ${LADING_CONTAINERD_API_DIR})
set(proto_root ${CMAKE_CURRENT_BINARY_DIR}/proto)
set(api_prefix github.com/containerd/containerd/api)

set(service_protos
  services/content/v1/content.proto services/images/v1/images.proto
  services/leases/v1/leases.proto services/diff/v1/diff.proto
  services/snapshots/v1/snapshots.proto services/namespaces/v1/namespace.proto)
set(message_protos types/descriptor.proto types/mount.proto)

set(generated_sources)
function(lading_copy_proto from to)
  file(READ ${from} text)
  string(REPLACE "import weak " "import " text "${text}")
  file(CONFIGURE OUTPUT ${to} CONTENT "${text}" @ONLY)
endfunction()

lading_copy_proto(${LADING_GOGOPROTO_DIR}/gogo.proto ${proto_root}/gogoproto/gogo.proto)
set(all_protos gogoproto/gogo.proto)
foreach(p IN LISTS service_protos message_protos)
  lading_copy_proto(${api_src}/${p} ${proto_root}/${api_prefix}/${p})
  list(APPEND all_protos ${api_prefix}/${p})
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${LADING_GOGOPROTO_DIR}/gogo.proto)

foreach(p IN LISTS all_protos)
  string(REGEX REPLACE "\\.proto$" "" base ${p})
  set(outputs ${proto_root}/${base}.pb.cc ${proto_root}/${base}.pb.h)
  set(plugin_args)
  if(p MATCHES "/services/")
    list(APPEND outputs ${proto_root}/${base}.grpc.pb.cc ${proto_root}/${base}.grpc.pb.h)
    set(plugin_args --grpc_out=${proto_root} --plugin=protoc-gen-grpc=${LADING_GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(OUTPUT ${outputs}
    COMMAND ${Protobuf_PROTOC_EXECUTABLE} -I${proto_root} -I${Protobuf_INCLUDE_DIRS}
            --cpp_out=${proto_root} ${plugin_args} ${proto_root}/${p}
    DEPENDS ${proto_root}/${p}
    COMMENT "protoc ${p}" VERBATIM)
  foreach(o IN LISTS outputs)
    if(o MATCHES "\\.cc$")
      list(APPEND generated_sources ${o})
    endif()
  endforeach()
endforeach()

add_library(lading_containerd_api STATIC ${generated_sources})
set_target_properties(lading_containerd_api PROPERTIES POSITION_INDEPENDENT_CODE ON
  CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
# Generated code: not ours to warn about.
target_compile_options(lading_containerd_api PRIVATE -w)
target_include_directories(lading_containerd_api SYSTEM PUBLIC ${proto_root})
target_link_libraries(lading_containerd_api PUBLIC gRPC::grpc++ protobuf::libprotobuf)
