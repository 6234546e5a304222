# Runs one libFuzzer target for a ctest test: copies the committed corpus to a scratch
# directory (the fuzzer adds inputs to its first corpus directory, and the committed one
# must not change), then fuzzes for SECONDS, or with SECONDS 0 replays the corpus once.
# Crash inputs are written to WORK/artifacts/.
foreach(v FUZZER CORPUS WORK SECONDS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_fuzzer.cmake: ${v} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}/corpus")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
file(GLOB _seeds "${CORPUS}/*")
if(NOT _seeds)
  message(FATAL_ERROR "run_fuzzer.cmake: no seed inputs in ${CORPUS}")
endif()
file(COPY ${_seeds} DESTINATION "${WORK}/corpus")

set(_args -rss_limit_mb=2048 -timeout=20 -max_len=65536 "-artifact_prefix=${WORK}/artifacts/")
if(SECONDS GREATER 0)
  list(APPEND _args -max_total_time=${SECONDS} -print_final_stats=1)
else()
  list(APPEND _args -runs=0)
endif()
execute_process(COMMAND "${FUZZER}" ${_args} "${WORK}/corpus" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${_rc}); reproducer in ${WORK}/artifacts/")
endif()
