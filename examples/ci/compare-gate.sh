#!/usr/bin/env bash
# A relay release gate: run the candidate's load test and compare it with the main branch's.
#
#   compare-gate.sh RELAYLOAD_CLI BASELINE.json OUT_DIR [TARGET_URL]
#
# - BASELINE.json is the main branch's report, kept by CI as an artefact (or an archived
#   result file of the original Node tool: it is read as a base too). When it does not exist
#   yet, this run becomes the baseline and the gate passes.
# - OUT_DIR receives candidate.json (keep it as the next baseline when the candidate is
#   merged), compare.json and compare.html (attach them to the CI run).
# - Without TARGET_URL the run uses the embedded relay (a smoke test of the recipe itself).
# - The gates are in GATES (one per line) and may be overridden from the environment.
#
# Exit: 0 gates passed, 3 a gate failed (the release is worse), 1 usage or a run that
# cannot be compared (e.g. the flags changed: refresh the baseline on purpose then).
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 RELAYLOAD_CLI BASELINE.json OUT_DIR [TARGET_URL]" >&2
  exit 1
fi
cli=$1 baseline=$2 out=$3 target=${4:-}

# The experiment: the same flags for the baseline and every candidate.
flags=(--scenario realistic-session --connection-pairs 50 --ramp-up 2 --messages-per-session 3
       --response-delay 0 --wallet-delay 0 --no-progress)
[[ -n $target ]] && flags+=(--target "$target")

GATES=${GATES:-"messages.latency.p99<=+10%
handshake.latency.p99<=+10%
connections.successRate>=-0.1
errors.total<=+0"}
gate_flags=()
while IFS= read -r g; do [[ -n $g ]] && gate_flags+=(--gate "$g"); done <<<"$GATES"

mkdir -p "$out"
"$cli" "${flags[@]}" --output "$out/candidate.json"
if [[ ! -f $baseline ]]; then
  mkdir -p "$(dirname "$baseline")"
  cp "$out/candidate.json" "$baseline"
  echo "[compare-gate] no baseline at $baseline yet: this run is the baseline"
  exit 0
fi
"$cli" compare "$baseline" "$out/candidate.json" "${gate_flags[@]}" \
  --output "$out/compare.json" --report "$out/compare.html"
