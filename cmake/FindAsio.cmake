# Finds standalone Asio (Debian: libasio-dev), which ships no CMake config.
# Provides the imported target Asio::asio.
find_path(Asio_INCLUDE_DIR NAMES asio.hpp PATH_SUFFIXES include)
if(Asio_INCLUDE_DIR AND EXISTS "${Asio_INCLUDE_DIR}/asio/version.hpp")
  file(STRINGS "${Asio_INCLUDE_DIR}/asio/version.hpp" _asio_version_line
       REGEX "^#define ASIO_VERSION [0-9]+")
  string(REGEX REPLACE "^#define ASIO_VERSION ([0-9]+).*" "\\1" _asio_v "${_asio_version_line}")
  math(EXPR _major "${_asio_v} / 100000")
  math(EXPR _minor "${_asio_v} / 100 % 1000")
  math(EXPR _patch "${_asio_v} % 100")
  set(Asio_VERSION "${_major}.${_minor}.${_patch}")
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Asio REQUIRED_VARS Asio_INCLUDE_DIR VERSION_VAR Asio_VERSION)
# Definitions every translation unit must share:
# - no ASIO_NO_DEPRECATED: websocketpp 0.8.2 needs Asio's deprecated names;
# - ASIO_DISABLE_STD_ALIGNED_ALLOC: otherwise Asio picks aligned_alloc or malloc depending on
#   which standard headers came before <asio.hpp> in each file, and memory allocated in one
#   file is freed with the other function in another (ASan: alloc-dealloc-mismatch);
# - ASIO_SEPARATE_COMPILATION: Asio's implementation is compiled once, into the library
#   (lib/base/asio_impl.cpp, lib/net/asio_ssl_impl.cpp), not inline in every file that
#   includes Asio: faster builds, and the one place to handle its compiler warnings.
if(Asio_FOUND AND NOT TARGET Asio::asio)
  find_package(Threads REQUIRED)
  add_library(Asio::asio INTERFACE IMPORTED)
  set_target_properties(Asio::asio PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Asio_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE;ASIO_DISABLE_STD_ALIGNED_ALLOC;ASIO_SEPARATE_COMPILATION"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
mark_as_advanced(Asio_INCLUDE_DIR)
