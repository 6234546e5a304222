#!/usr/bin/env bash
# Times .ci/run step by step in a fresh clone, the way CI runs it.
#
#   benchmarks/ci/time_ci.sh [--cold | --cache DIR] [REV]
#
# Clones REV (default HEAD) of this repository into a new temporary folder next to no build,
# then runs the steps of the command in .ci/run (split at `&&`, so the steps are exactly CI's)
# one by one, each timed, with CI=true and no standard input. Prints a table of seconds per step
# and the total, and stops at the first failing step (exit 1).
#
# --cold: compile with an empty, throw-away ccache folder (CCACHE_DIR), so the figure is what a
# new machine pays for compiling; the user's cache (~/.cache/ccache) is neither read nor touched.
# --cache DIR: use DIR as the cache (created when missing): a new DIR gives a cold run that
# leaves its cache behind, and a second run with the same DIR is the warm run that follows it.
# Without either, the user's cache is used as CI uses it.
# Packages are not uninstalled: on a new machine add the install step's download time.
set -euo pipefail

cold=0
cache=
rev=HEAD
while (($#)); do
  case "$1" in
    --cold) cold=1 ;;
    --cache) [[ $# -ge 2 ]] || { echo "time_ci: --cache needs a folder" >&2; exit 1; }
             cache=$(realpath -m "$2"); shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "time_ci: unknown option '$1'" >&2; exit 1 ;;
    *) rev=$1 ;;
  esac
  shift
done
if ((cold)) && [[ -n $cache ]]; then echo "time_ci: --cold or --cache, not both" >&2; exit 1; fi

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d /tmp/relayload-ci-time.XXXXXX)
# The clone and the step logs are removed after a run that passed, and kept after one that
# failed (the path is printed) so that the failing step's whole log can be read.
cleanup() { if [[ ${failed:-0} == 0 ]]; then rm -rf "$work"; else echo "time_ci: logs kept in $work" >&2; fi; }
trap cleanup EXIT

# CI finds shared/ beside the clone; so must this clone.
git clone -q --no-local "$repo" "$work/main"
git -C "$work/main" checkout -q "$(git -C "$repo" rev-parse "$rev")"
if [[ -d "$repo/../shared" ]]; then cp -r "$repo/../shared" "$work/shared"; fi

if ((cold)); then
  export CCACHE_DIR="$work/ccache"
elif [[ -n $cache ]]; then
  mkdir -p "$cache"
  export CCACHE_DIR="$cache"
fi
export CI=true

cmdline=$(grep -E '^bash cmake/install-deps.sh' "$work/main/.ci/run")
mapfile -t steps < <(sed 's/ && /\n/g' <<<"$cmdline")

printf 'time_ci: %s at %s, ccache %s, %d steps\n' "$work/main" \
  "$(git -C "$work/main" rev-parse --short HEAD)" "${CCACHE_DIR:-~/.cache/ccache}" \
  "${#steps[@]}"
total=0
rows=()
for step in "${steps[@]}"; do
  log="$work/step-${#rows[@]}.log"
  start=$(date +%s.%N)
  if ! (cd "$work/main" && eval "$step") </dev/null >"$log" 2>&1; then
    tail -40 "$log"
    echo "time_ci: FAILED: $step" >&2
    failed=1
    exit 1
  fi
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  total=$(echo "$total + $secs" | bc)
  rows+=("$(printf '%8.1f  %s' "$secs" "$step")")
  printf '%8.1f  %s\n' "$secs" "$step"
  # ctest's own summary lines, so a reader sees what ran
  grep -E 'tests passed|Total Test time' "$log" | sed 's/^/          /' || true
done
printf '%8.1f  total (%.1f min)\n' "$total" "$(echo "$total / 60" | bc -l)"
echo "ccache: $(ccache -s 2>/dev/null | grep -E '^ *(Hits|Misses)' | tr -s ' ' | paste -sd';')"
