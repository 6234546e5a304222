#!/usr/bin/env bash
# Without --target, rank 0 would start the embedded relay on its loopback, which ranks on
# other hosts cannot reach: across three hosts (network namespaces, mpirun over ssh) the run
# must refuse at once, say why, start no load and write no report.
#
#   embedded_relay_refused_test.sh CLI
set -u
cli=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/netns_hosts.sh"
mh_require
mh_setup 3

mh_mpi_env "$cli" 2 host1 host2 host3
cd "$MH_TMP/work"
mh_on host1 timeout -k 5 90 mpirun --hostfile "$MH_TMP/hostfile" --map-by slot --bind-to none \
  "$cli" --scenario=steady-state --connections=60 --ramp-up=1 --duration=2 --threads=1 \
  --no-progress --output=merged.json --output-dir=ranks >"$MH_TMP/run.log" 2>&1
code=$?
cat "$MH_TMP/run.log"
((code != 124 && code != 137)) || mh_fail "mpirun did not end by itself"
((code != 0)) || mh_fail "mpirun exit 0: the run was not refused"
grep -q "without --target the embedded relay listens on rank 0's loopback, which ranks on other hosts cannot reach; give --target" \
  "$MH_TMP/run.log" || mh_fail "the refusal does not say why"
[[ $(grep -c "without --target the embedded relay" "$MH_TMP/run.log") -eq 1 ]] \
  || mh_fail "the refusal should be said once, by rank 0"
! grep -q "Connections:\|embedded relay at\|MPI ranks:" "$MH_TMP/run.log" || mh_fail "the load started"
[[ ! -e merged.json ]] || mh_fail "a report was written"
echo "ok (mpirun exit $code)"
