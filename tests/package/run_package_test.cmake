# cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... [-DCONFIG=...] [-DGENERATOR=...]
#       [-DCXX_COMPILER=...] [-DSANITIZE=address;undefined] -P run_package_test.cmake
#
# 1. cmake --install BUILD_DIR --prefix WORK_DIR/install (a fresh prefix each time, so files
#    left over from an earlier install cannot hide a missing one);
# 2. configure SOURCE_DIR (the consumer) with CMAKE_PREFIX_PATH=WORK_DIR/install only;
# 3. build it and run it: it starts an embedded relay, connects one client and exits 0.
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT ${v})
    message(FATAL_ERROR "run_package_test.cmake: -D${v}=... is required")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package test: ${what} failed (${rc})\n${out}\n${err}")
  endif()
  message(STATUS "package test: ${what}: ok")
endfunction()

set(prefix "${WORK_DIR}/install")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(install_args --install "${BUILD_DIR}" --prefix "${prefix}")
if(CONFIG)
  list(APPEND install_args --config "${CONFIG}")
endif()
run_step("install" "${CMAKE_COMMAND}" ${install_args})

set(configure_args -S "${SOURCE_DIR}" -B "${consumer_build}" "-DCMAKE_PREFIX_PATH=${prefix}")
if(GENERATOR)
  list(APPEND configure_args -G "${GENERATOR}")
endif()
if(CONFIG)
  list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
# A sanitized static library needs the sanitizer runtime in the program that links it; the
# package does not impose sanitizer flags on its users, so this test passes them itself.
if(SANITIZE)
  list(JOIN SANITIZE "," _list)
  list(APPEND configure_args "-DCMAKE_CXX_FLAGS=-fsanitize=${_list} -fno-omit-frame-pointer"
       "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${_list}")
endif()
run_step("configure the consumer" "${CMAKE_COMMAND}" ${configure_args})

set(build_args --build "${consumer_build}")
if(CONFIG)
  list(APPEND build_args --config "${CONFIG}")
endif()
run_step("build the consumer" "${CMAKE_COMMAND}" ${build_args})

find_program(consumer NAMES relayload_consumer PATHS "${consumer_build}"
             PATH_SUFFIXES "${CONFIG}" NO_DEFAULT_PATH REQUIRED)
run_step("run the consumer" "${consumer}")
