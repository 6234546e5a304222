# Compile through ccache when it is installed, so that consecutive builds (CI runs from fresh
# clones included) reuse each other's objects. The cache lives where ccache keeps it by default,
# the user's cache folder (~/.cache/ccache), and is shared by every preset and every clone:
#  - CCACHE_BASEDIR makes the absolute include paths of this clone relative, and
#  - CCACHE_NOHASHDIR keeps the working directory out of the hash (it only names the folder in
#    the debug information, which gdb resolves through the source path anyway),
# so a clone in another folder hits the same entries; and
#  - CCACHE_SLOPPINESS lets ccache cache the translation units that use a precompiled header
#    (RELAYLOAD_PCH) and the header itself, whose file is always newer than the build's start.
# A launcher the user set is kept.
option(RELAYLOAD_CCACHE "Compile through ccache when it is installed" ON)

if(RELAYLOAD_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(RELAYLOAD_CCACHE_PROGRAM ccache)
  find_program(RELAYLOAD_ENV_PROGRAM env)
  if(RELAYLOAD_CCACHE_PROGRAM AND RELAYLOAD_ENV_PROGRAM)
    set(_launcher "${RELAYLOAD_ENV_PROGRAM}" "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}"
        "CCACHE_NOHASHDIR=1"
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "${RELAYLOAD_CCACHE_PROGRAM}")
    set(CMAKE_CXX_COMPILER_LAUNCHER "${_launcher}")
    set(CMAKE_C_COMPILER_LAUNCHER "${_launcher}")
    message(STATUS "relayload: compiling through ${RELAYLOAD_CCACHE_PROGRAM}")
  else()
    message(STATUS "relayload: ccache not found; compiling without a cache")
  endif()
endif()
