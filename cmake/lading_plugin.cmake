# lading_add_plugin(KIND NAME SOURCES src... [LIBS lib...])
# Builds liblading-<kind>-<name>.so into the plugin directory of the build tree and
# installs it in the same place under the prefix.
function(lading_add_plugin kind name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target lading-${kind}-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE lading::plugin_sdk ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY ${LADING_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  install(TARGETS ${target} LIBRARY DESTINATION ${LADING_PLUGIN_SUBDIR})
  set_property(GLOBAL APPEND PROPERTY LADING_PLUGIN_TARGETS ${target})
endfunction()
