#!/usr/bin/env bash
# One load spread over the machines of a hostfile with mpirun over ssh. Each rank runs its
# shard of the connections (or pairs), all start at one common t0 after a barrier, and rank 0
# writes the exactly merged report (results/merged.json) and every rank's own (results/ranks/).
#
#   ./run-hostfile.sh TARGET [SCENARIO] [COUNT] [relayload-cli flags…]
#   ./run-hostfile.sh wss://relay.example/connection/websocket steady-state 60000
#   ./run-hostfile.sh wss://relay.example/connection/websocket realistic-session 20000 \
#     --messages-per-session=5
#
# COUNT is --connections, or --connection-pairs for the pair scenarios (realistic-session,
# async-delivery, steady-messaging). The environment may set:
#   HOSTFILE       the hostfile (default: ./hostfile beside this script)
#   RELAYLOAD_CLI  relayload-cli on the machines, the same path on each (default: the one on
#                  this machine's PATH); mpirun does not pass PATH to the other machines
#   RAMP_UP, DURATION  seconds (default 30 and 300)
#   OMPI_MCA_*     OpenMPI settings, read by mpirun and passed to every machine. On machines
#                  with more than one network interface, name the one they share, e.g.
#                  OMPI_MCA_btl_tcp_if_include=eth1 OMPI_MCA_oob_tcp_if_include=eth1 (or a
#                  subnet, 10.10.0.0/16); plm_rsh_agent / plm_rsh_args change how ssh is called.
#
# The relay must be reachable from every machine: without --target, rank 0's embedded relay
# listens on its loopback only, and the run refuses to start on more than one host.
#
# Exit status: mpirun's. When a machine is lost mid-run, OpenMPI ends the job with a non-zero
# status, and rank 0 (on this machine) still writes results/merged.json, marked partial,
# naming the lost machine and ranks (README, "Distributed runs").
set -euo pipefail
target=${1:?usage: $0 TARGET [SCENARIO] [COUNT] [relayload-cli flags…]}
scenario=${2:-steady-state}
count=${3:-60000}
shift $(($# < 3 ? $# : 3))
here=$(cd "$(dirname "$0")" && pwd)
hostfile=${HOSTFILE:-$here/hostfile}
cli=${RELAYLOAD_CLI:-$(command -v relayload-cli || true)}
[[ -n $cli ]] || { echo "$0: relayload-cli is not on PATH; set RELAYLOAD_CLI" >&2; exit 1; }
case $scenario in
  realistic-session | async-delivery | steady-messaging) units=--connection-pairs ;;
  *) units=--connections ;;
esac
mkdir -p results
# When a machine is lost, OpenMPI ends the job: SIGTERM to every rank left, then SIGKILL this
# many seconds later (OpenMPI's default, 1 s, is too short for the ranks to close their
# connections and for rank 0 to collect their reports and write the merged one).
export OMPI_MCA_odls_base_sigkill_timeout=${OMPI_MCA_odls_base_sigkill_timeout:-10}
# mpirun learns that a machine is lost when its ssh session to it breaks; without keep-alives
# a machine that vanishes (power, network) goes unnoticed until TCP gives up, many minutes.
export OMPI_MCA_plm_rsh_args=${OMPI_MCA_plm_rsh_args:--o ServerAliveInterval=5 -o ServerAliveCountMax=3}

# --map-by slot fills each machine's slots in order; --bind-to none lets each rank's
# threads use every core.
mpirun --hostfile "$hostfile" --map-by slot --bind-to none \
  "$cli" --target="$target" --scenario="$scenario" "$units=$count" \
  --ramp-up="${RAMP_UP:-30}" --duration="${DURATION:-300}" --threads=1 --no-progress \
  --output=results/merged.json --output-dir=results/ranks "$@"
# The same merge, later or elsewhere, from the ranks' own reports:
#   relayload-cli aggregate --input=results/ranks --output=results/merged-again.json
