#!/usr/bin/env bash
# The original tool's `infra create / exec / wait / collect / destroy` with existing tools:
# doctl makes tagged droplets whose cloud-init installs relayload-cli, one mpirun runs the
# load on all of them (synchronised start, exact merge on rank 0), scp fetches the report,
# and the droplets are destroyed by tag, also when anything above fails.
#
#   export relayload_url=https://…/relayload-0.1.0-debian12.tar.gz relayload_sha256=…
#   export ssh_public_key="$(cat ~/.ssh/id_ed25519.pub)" SSH_KEY_FINGERPRINT=…
#   ./doctl.sh 10 wss://relay.example/connection/websocket steady-state 100000
#
# DRY_RUN=1 prints every doctl, ssh and scp command on stderr ("+ …") instead of running it,
# with made-up droplet addresses; DRY_RUN_FAIL=TEXT then makes the command containing TEXT
# fail, to show that the droplets are destroyed on every exit path
# (tests/multihost/doctl_dry_run_test.sh).
set -euo pipefail
count=${1:?usage: $0 DROPLETS TARGET [SCENARIO] [CONNECTIONS]}
target=${2:?usage: $0 DROPLETS TARGET [SCENARIO] [CONNECTIONS]}
scenario=${3:-steady-state}
connections=${4:-100000}
: "${relayload_url:?}" "${relayload_sha256:?}" "${ssh_public_key:?}" "${SSH_KEY_FINGERPRINT:?}"
run=relayload-$(date +%Y%m%d-%H%M%S)
case $scenario in  # CONNECTIONS counts pairs for the pair scenarios
  realistic-session | async-delivery | steady-messaging) units=--connection-pairs ;;
  *) units=--connections ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
ssh_opts=(-o StrictHostKeyChecking=accept-new -o ConnectTimeout=10)

exec 3>&2  # the dry run's listing, also from commands whose stderr is discarded
# x CMD…: runs CMD, or under DRY_RUN=1 prints it (and fails it when it contains DRY_RUN_FAIL).
x() {
  if [[ ${DRY_RUN:-0} != 1 ]]; then "$@"; return; fi
  echo "+ $*" >&3
  [[ -z ${DRY_RUN_FAIL:-} || "$*" != *"$DRY_RUN_FAIL"* ]]
}
# addresses Public|Private: the droplets' addresses, one a line (made up under DRY_RUN=1).
addresses() {
  x doctl compute droplet list --tag-name "$run" --format "${1}IPv4" --no-header || return
  if [[ ${DRY_RUN:-0} == 1 ]]; then
    for i in $(seq 1 "$count"); do
      if [[ $1 == Public ]]; then echo "203.0.113.$i"; else echo "10.10.0.$i"; fi
    done
  fi
}

# destroy: whatever happens below, the droplets of this run go (by tag, not by name prefix).
trap 'x doctl compute droplet delete --tag-name "$run" --force || true' EXIT

# create: all droplets in one call, tagged with this run; --wait returns when they are active.
envsubst '${relayload_url} ${relayload_sha256} ${ssh_public_key}' \
  <"$here/cloud-init.yaml.tpl" >"/tmp/$run-cloud-init.yaml"
names=(); for i in $(seq 1 "$count"); do names+=("$run-$i"); done
x doctl compute droplet create "${names[@]}" --region nyc1 --size s-2vcpu-2gb \
  --image debian-12-x64 --ssh-keys "$SSH_KEY_FINGERPRINT" --tag-names "relayload,$run" \
  --user-data-file "/tmp/$run-cloud-init.yaml" --wait >/dev/null
public_list=$(addresses Public)
mapfile -t public <<<"$public_list"
private_list=$(addresses Private)
sed 's/$/ slots=2/' <<<"$private_list" >"/tmp/$run-hostfile"

# wait: until cloud-init has finished on every droplet (and fail if it failed anywhere).
for ip in "${public[@]}"; do
  for _ in $(seq 1 60); do x ssh "${ssh_opts[@]}" "loadgen@$ip" true 2>/dev/null && break; sleep 5; done
  x ssh "${ssh_opts[@]}" "loadgen@$ip" 'cloud-init status --wait >/dev/null; relayload-cli --version'
done

# exec: one mpirun from the first droplet over the private network. Agent forwarding lets it
# ssh to the others; rank 0 runs there and writes the merged report and every rank's own.
launcher=${public[0]}
x scp "${ssh_opts[@]}" "/tmp/$run-hostfile" "loadgen@$launcher:hostfile"
x ssh -A "${ssh_opts[@]}" "loadgen@$launcher" \
  "mpirun --hostfile hostfile --map-by slot --bind-to none \
     --mca btl_tcp_if_include eth1 --mca oob_tcp_if_include eth1 \
     --mca plm_rsh_args '-o StrictHostKeyChecking=accept-new -o ServerAliveInterval=5 -o ServerAliveCountMax=3' \
     --mca odls_base_sigkill_timeout 10 \
     -x PATH relayload-cli --target='$target' --scenario='$scenario' \
     $units='$connections' --ramp-up=60 --duration=600 --threads=1 --no-progress \
     --output=results/merged.json --output-dir=results/ranks"

# collect: the merged report (exact percentiles) and the per-rank reports.
mkdir -p "results/$run"
x scp -r "${ssh_opts[@]}" "loadgen@$launcher:results/*" "results/$run/"
echo "results in results/$run (merged.json; ranks/ for relayload-cli aggregate)"
