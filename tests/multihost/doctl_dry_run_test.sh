#!/usr/bin/env bash
# examples/distributed/digitalocean/doctl.sh under DRY_RUN=1: the commands it would run, in
# order — droplets created with the run's tags, cloud-init waited for on each, one mpirun,
# the results collected — and the droplets destroyed by tag on every exit path: after a
# success and after a failure at creation, while waiting for cloud-init, or in mpirun.
#
#   doctl_dry_run_test.sh SCRIPT
set -u
script=$1
dir=$(mktemp -d); runs=()
cleanup() {
  local r
  for r in "${runs[@]}"; do rm -f "/tmp/$r-cloud-init.yaml" "/tmp/$r-hostfile"; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
export relayload_url=https://example.invalid/relayload.tar.gz relayload_sha256=0123abcd
export ssh_public_key="ssh-ed25519 AAAAC3Nza test" SSH_KEY_FINGERPRINT=aa:bb DRY_RUN=1

# run NAME [FAIL_TEXT]: the script's dry run into $dir/NAME.log; sets code and run.
run() {
  (cd "$dir" && DRY_RUN_FAIL=${2:-} timeout 60 bash "$script" 3 wss://relay.example/connection/websocket \
    realistic-session 600 >"$dir/$1.out" 2>"$dir/$1.log")
  code=$?
  run=$(sed -n 's/.*--tag-name \(relayload-[0-9-]*\) .*/\1/p' "$dir/$1.log" | head -1)
  [[ -n $run ]] && runs+=("$run")
  echo "--- $1 (exit $code)"; cut -c1-150 "$dir/$1.log"
}

run ok
((code == 0)) || fail "dry run exit $code"
python3 - "$dir/ok.log" "$run" <<'PY' || exit 1
import sys
log, run = sys.argv[1], sys.argv[2]
cmds = [l[2:].rstrip("\n") for l in open(log) if l.startswith("+ ")]
kinds = []
for c in cmds:
    if c.startswith("doctl compute droplet create"): kinds.append("create")
    elif c.startswith("doctl compute droplet list"): kinds.append("list")
    elif c.startswith("doctl compute droplet delete"): kinds.append("delete")
    elif c.startswith("ssh") and c.endswith(" true"): kinds.append("reach")
    elif c.startswith("ssh") and "cloud-init status --wait" in c: kinds.append("cloud-init")
    elif c.startswith("ssh") and "mpirun" in c: kinds.append("mpirun")
    elif c.startswith("scp -r"): kinds.append("collect")
    elif c.startswith("scp"): kinds.append("hostfile")
    else: kinds.append("other: " + c)
want = (["create", "list", "list"] + ["reach", "cloud-init"] * 3
        + ["hostfile", "mpirun", "collect", "delete"])
assert kinds == want, kinds
create = cmds[0]
assert all(f"{run}-{i}" in create for i in (1, 2, 3)), create
assert f"--tag-names relayload,{run}" in create and "--wait" in create, create
assert "--user-data-file" in create, create
assert cmds[-1] == f"doctl compute droplet delete --tag-name {run} --force", cmds[-1]
mpirun = cmds[kinds.index("mpirun")]
# The pair scenario gets pairs, and the job keeps its report when a droplet is lost.
assert "--connection-pairs='600'" in mpirun and "--connections=" not in mpirun, mpirun
assert "odls_base_sigkill_timeout 10" in mpirun and "ServerAliveInterval" in mpirun, mpirun
print("sequence:", " ".join(kinds))
PY

# A failure anywhere: the script fails, nothing after the failure runs, the droplets go.
for step in "droplet create" "cloud-init status" "mpirun"; do
  run "fail-${step// /-}" "$step"
  ((code != 0)) || fail "a failure in '$step' did not fail the script"
  last=$(grep '^+ ' "$dir/fail-${step// /-}.log" | tail -1)
  [[ $last == "+ doctl compute droplet delete --tag-name $run --force" ]] \
    || fail "after a failure in '$step' the last command is not the delete by tag: $last"
  ! grep -q '^+ scp -r' "$dir/fail-${step// /-}.log" || fail "results collected after a failure in '$step'"
  [[ $(grep -c '^+ doctl compute droplet delete' "$dir/fail-${step// /-}.log") -eq 1 ]] \
    || fail "not exactly one delete after a failure in '$step'"
done
echo ok
