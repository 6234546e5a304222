# One OBJECT library per layer (relayload_<name>), built from lib/<name>/*.cpp.
# Layers are compiled separately so each layer's unit tests link only what they test
# (and a layer cannot accidentally call a layer above it: the link would fail).
# The installed static library `relayload` is the union of all layers' objects.

set_property(GLOBAL PROPERTY RELAYLOAD_LAYERS "")

# relayload_add_layer(<name> [DEPENDS <layer>...] [LIBS <target>...] [PCH <header>...])
# PCH: headers to precompile when RELAYLOAD_PCH is all (cmake/RelayloadPch.cmake).
function(relayload_add_layer name)
  cmake_parse_arguments(arg "" "" "DEPENDS;LIBS;PCH" ${ARGN})
  set(_dir "${PROJECT_SOURCE_DIR}/lib/${name}")
  file(GLOB _sources CONFIGURE_DEPENDS "${_dir}/*.cpp")
  if(NOT _sources)
    message(FATAL_ERROR "layer ${name}: no sources in ${_dir}")
  endif()
  set(_target relayload_${name})
  add_library(${_target} OBJECT ${_sources})
  target_include_directories(${_target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    PRIVATE ${PROJECT_SOURCE_DIR}/lib)
  target_compile_features(${_target} PUBLIC cxx_std_17)
  set_target_properties(${_target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  relayload_set_warnings(${_target})
  relayload_enable_sanitizers(${_target})
  relayload_precompile(${_target} LIBRARY ${arg_PCH})

  set(_closure ${_target})
  foreach(dep IN LISTS arg_DEPENDS)
    get_property(_dep_closure GLOBAL PROPERTY RELAYLOAD_CLOSURE_${dep})
    if(NOT _dep_closure)
      message(FATAL_ERROR "layer ${name} depends on ${dep}, which is not defined (yet)")
    endif()
    list(APPEND _closure ${_dep_closure})
    target_link_libraries(${_target} PUBLIC relayload_${dep})
  endforeach()
  list(REMOVE_DUPLICATES _closure)
  target_link_libraries(${_target} PUBLIC ${arg_LIBS})
  set_property(GLOBAL PROPERTY RELAYLOAD_CLOSURE_${name} "${_closure}")
  set_property(GLOBAL APPEND PROPERTY RELAYLOAD_LAYERS ${name})
endfunction()

# relayload_layer_closure(<out-var> <layer>): the object libraries a binary that uses
# <layer> must link (the layer and everything below it).
function(relayload_layer_closure out name)
  get_property(_c GLOBAL PROPERTY RELAYLOAD_CLOSURE_${name})
  set(${out} "${_c}" PARENT_SCOPE)
endfunction()
