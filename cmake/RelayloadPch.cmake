# relayload_precompile(<target> TESTS|LIBRARY <header>...): precompiles the heavy third-party
# headers that most of the target's translation units include (standalone Asio alone costs ~6 s
# of compile time in every translation unit that includes it; Catch2 ~3 s), as RELAYLOAD_PCH
# says:
#   OFF      nothing is precompiled (the default, and the release preset's);
#   tests    the test executables only (the dev preset);
#   all      the library's layers and relayload-cli too (the sanitizer presets).
#
# A precompiled header is force-included into every source of its target, so a source that
# forgets an include still compiles. The library and the CLI are what users build (release
# preset, package consumers), without precompiled headers: the dev build compiles them the same
# way and keeps them honest about their includes; the sanitizer builds compile the same sources
# a second time and take the shortcut. Public headers are checked on their own
# (lib/CMakeLists.txt, relayload_header_check) and never get a precompiled header.
set(RELAYLOAD_PCH OFF CACHE STRING "Precompiled headers: OFF, tests or all")
set_property(CACHE RELAYLOAD_PCH PROPERTY STRINGS OFF tests all)
if(NOT RELAYLOAD_PCH MATCHES "^(OFF|tests|all)$")
  message(FATAL_ERROR "RELAYLOAD_PCH must be OFF, tests or all, not '${RELAYLOAD_PCH}'")
endif()

# A target with a single source gains nothing (the header is compiled once either way), so it is
# left alone.
function(relayload_precompile target kind)
  if(RELAYLOAD_PCH STREQUAL "OFF" OR NOT ARGN)
    return()
  endif()
  if(kind STREQUAL "LIBRARY" AND NOT RELAYLOAD_PCH STREQUAL "all")
    return()
  endif()
  get_target_property(_sources ${target} SOURCES)
  list(LENGTH _sources _count)
  if(_count GREATER 1)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
