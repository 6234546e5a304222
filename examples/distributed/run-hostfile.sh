#!/usr/bin/env bash
# One load spread over the machines of ./hostfile with mpirun over ssh. Each rank runs its
# shard of --connections, all start at one common t0 after a barrier, and rank 0 writes the
# exactly merged report (results/merged.json) and every rank's own (results/ranks/).
#
#   ./run-hostfile.sh wss://relay.example/connection/websocket steady-state 60000
#
# The relay must be reachable from every machine: without --target, rank 0's embedded relay
# listens on its loopback only, and the run refuses to start on more than one host.
set -euo pipefail
target=${1:?usage: $0 TARGET [SCENARIO] [CONNECTIONS]}
scenario=${2:-steady-state}
connections=${3:-60000}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p results

# --map-by slot fills each machine's slots in order; --bind-to none lets each rank's
# threads use every core; -x passes the environment a rank needs.
mpirun --hostfile "$here/hostfile" --map-by slot --bind-to none \
  relayload-cli --target="$target" --scenario="$scenario" --connections="$connections" \
  --ramp-up=30 --duration=300 --threads=1 --no-progress \
  --output=results/merged.json --output-dir=results/ranks
# The same merge, later or elsewhere, from the ranks' own reports:
#   relayload-cli aggregate --input=results/ranks --output=results/merged-again.json
