#!/usr/bin/env bash
# A host lost mid-run: examples/distributed/run-hostfile.sh over three hosts (2 ranks each),
# and during the hold host3 goes away — its link goes down (`link`: the machine vanishes from
# the network; mpirun notices when the ssh session to it stops answering its keep-alives) or
# its OpenMPI daemon is killed (`daemon`). OpenMPI then ends the job. Expected, as the README
# says: a non-zero exit, and rank 0's merged report, marked partial, naming ranks 4 and 5 as
# lost with host3, holding exactly the data of ranks 0-3, whose own files are in --output-dir.
# Everything is bounded in time; nothing is left running.
#
#   lost_host_test.sh CLI RECIPE link|daemon
set -u
cli=$1; recipe=$2; mode=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/netns_hosts.sh"
mh_require
mh_setup 3
mh_start_relay "$cli"

mh_mpi_env "$cli" 2 host1 host2 host3
# Shorter than the recipe's defaults (10 s before SIGKILL, ssh keep-alives every 5 s, 3
# missed), which a user may change the same way: the test then takes ~30 s instead of ~70.
export OMPI_MCA_odls_base_sigkill_timeout=${MH_SIGKILL_TIMEOUT:-4}
export OMPI_MCA_plm_rsh_args="-o ServerAliveInterval=1 -o ServerAliveCountMax=3"
export RAMP_UP=1 DURATION=15
cd "$MH_TMP/work"
mh_on host1 timeout -k 5 120 bash "$recipe" "$MH_RELAY_URL" steady-state 360 >"$MH_TMP/run.log" 2>&1 &
launcher=$!

# The hold: every rank has started all its connections (ramp-up 1 s) a second after t0.
for _ in $(seq 1 300); do grep -q "MPI ranks:" "$MH_TMP/run.log" && break; sleep 0.1; done
grep -q "MPI ranks:" "$MH_TMP/run.log" || mh_fail "the run did not start: $(tail -20 "$MH_TMP/run.log")"
sleep 4
h3=$(mh_ns host3)
case $mode in
  link) ip -n "$h3" link set eth1 down ;;
  daemon)
    pid=$(for p in $(ip netns pids "$h3"); do [[ $(cat "/proc/$p/comm" 2>/dev/null) == orted ]] && echo "$p"; done)
    [[ -n $pid ]] || mh_fail "no orted on host3"
    kill -KILL $pid ;;
esac
echo "host3 lost ($mode) during the hold"
wait "$launcher"
code=$?
grep -v "^\[relayload\] SIGTERM\|^$" "$MH_TMP/run.log" | tail -25
((code != 124 && code != 137)) || mh_fail "run-hostfile.sh did not end by itself (timeout, exit $code)"
((code != 0)) || mh_fail "run-hostfile.sh exit 0 although a host was lost"
[[ -f results/merged.json ]] || mh_fail "no merged report"
grep -q "rank 4 of 6 (host3) failed: lost with its host host3" "$MH_TMP/run.log" \
  || mh_fail "the summary does not name the lost rank and host"
timeout 30 "$cli" aggregate --input=results/ranks --output=results/again.json >"$MH_TMP/agg.log" 2>&1
[[ -f results/again.json ]] || mh_fail "aggregate wrote nothing: $(cat "$MH_TMP/agg.log")"
python3 "$here/check_reports.py" lost results/merged.json results/ranks results/again.json \
  host1,host2,host3 2 host3 || mh_fail "report check"
echo "ok (run-hostfile.sh exit $code)"
