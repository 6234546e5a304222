#!/usr/bin/env bash
# Every TEST_CASE must reach ctest as one test. catch_discover_tests splits a case name at
# ';' (CMake's list separator) into tests that match no case and pass without running it:
# 14 cases were silently never run that way. This fails, naming them, if a name has a ';'.
#   case_names_test.sh CATCH_EXECUTABLE...
set -u
bad=0
for exe in "$@"; do
  # Catch2 v2 exits with the number of cases listed, so the list itself is the check.
  names=$("$exe" --list-test-names-only)
  [[ -n $names ]] || { echo "FAIL: $exe lists no test cases"; exit 1; }
  while IFS= read -r name; do
    [[ $name == *';'* ]] || continue
    echo "FAIL: $(basename "$exe"): \"$name\" has a ';', so ctest never runs it (use ',')"
    bad=1
  done <<<"$names"
done
((bad == 0)) && echo "ok: $# executables, no ';' in a case name"
exit $bad
