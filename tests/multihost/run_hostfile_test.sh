#!/usr/bin/env bash
# examples/distributed/run-hostfile.sh as a user runs it: mpirun over ssh from host1 to three
# hosts (network namespaces, 2 slots each) against a relay on a fourth. The merged report's
# counts are the sums of the six ranks', `relayload-cli aggregate` of the ranks' files gives
# the same report (percentiles included), and the ranks name three different hosts.
#
#   run_hostfile_test.sh CLI RECIPE SCENARIO
set -u
cli=$1; recipe=$2; scenario=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/netns_hosts.sh"
mh_require
mh_setup 3
mh_start_relay "$cli"

mh_mpi_env "$cli" 2 host1 host2 host3
export RAMP_UP=1 DURATION=3
case $scenario in
  steady-state) extra=() ;;
  realistic-session) extra=(--messages-per-session=2 --wallet-delay=0.5 --response-delay=0.2) ;;
esac
cd "$MH_TMP/work"
mh_on host1 timeout -k 5 120 bash "$recipe" "$MH_RELAY_URL" "$scenario" 360 "${extra[@]}" \
  >"$MH_TMP/run.log" 2>&1
code=$?
tail -25 "$MH_TMP/run.log"
[[ $code -eq 0 ]] || mh_fail "run-hostfile.sh exit $code"
timeout 30 "$cli" aggregate --input=results/ranks --output=results/again.json >"$MH_TMP/agg.log" 2>&1 \
  || mh_fail "aggregate failed: $(cat "$MH_TMP/agg.log")"
python3 "$here/check_reports.py" complete results/merged.json results/ranks results/again.json \
  host1,host2,host3 2 || mh_fail "report check"
echo ok
