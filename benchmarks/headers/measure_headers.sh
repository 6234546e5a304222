#!/usr/bin/env bash
# Header weight of the public API, as a harness file pays it: for each header (or source
# file), the preprocessed line count and the smallest user CPU of three g++ -fsyntax-only
# parses (compile of a .cpp with -c). Compares two include trees, e.g. a commit's:
#
#   git archive <commit> include examples | tar -x -C /tmp/before
#   bash benchmarks/headers/measure_headers.sh /tmp/before .
#
# Run it on a quiet machine: concurrent builds inflate the times (not the line counts).
set -euo pipefail
before=${1:?usage: measure_headers.sh BEFORE_TREE AFTER_TREE}
after=${2:?usage: measure_headers.sh BEFORE_TREE AFTER_TREE}
flags=(-std=c++17 -DASIO_STANDALONE -DASIO_SEPARATE_COMPILATION -DASIO_DISABLE_STD_ALIGNED_ALLOC)
headers=(relayload/session/dapp_client.hpp relayload/session/wallet_client.hpp
         relayload/session/session_pair.hpp relayload/client/centrifuge_client.hpp
         relayload/client/connection_pool.hpp)
sources=(examples/dapp_only.cpp examples/wallet_only.cpp)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

best_of_three() {  # command... → smallest user CPU seconds
  local best=""
  for _ in 1 2 3; do
    local t
    /usr/bin/time -o "$tmp/time" -f "%U" "$@" >/dev/null 2>&1
    t=$(tail -1 "$tmp/time")
    if [[ -z "$best" ]] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; fi
  done
  echo "$best"
}

printf '%-42s %10s %8s %10s %8s\n' "file" "lines" "user s" "lines" "user s"
printf '%-42s %19s %19s\n' "" "(before)" "(after)"
for h in "${headers[@]}"; do
  row=()
  for tree in "$before" "$after"; do
    echo "#include <$h>" > "$tmp/h.cpp"
    n=$(g++ "${flags[@]}" -I"$tree/include" -E "$tmp/h.cpp" | wc -l)
    t=$(best_of_three g++ "${flags[@]}" -I"$tree/include" -fsyntax-only "$tmp/h.cpp")
    row+=("$n" "$t")
  done
  printf '%-42s %10s %8s %10s %8s\n' "$h" "${row[@]}"
done
for s in "${sources[@]}"; do
  row=()
  for tree in "$before" "$after"; do
    n=$(g++ "${flags[@]}" -I"$tree/include" -I"$tree/examples" -E "$tree/$s" | wc -l)
    t=$(best_of_three g++ "${flags[@]}" -I"$tree/include" -I"$tree/examples" -c "$tree/$s" -o "$tmp/o.o")
    row+=("$n" "$t")
  done
  printf '%-42s %10s %8s %10s %8s\n' "$s (-c)" "${row[@]}"
done
