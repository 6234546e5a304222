# Sourced by the multihost tests: "hosts" made of network namespaces on one bridge, as the
# machines of an `mpirun --hostfile` run over ssh.
#
#   mh_require                 exit 77 (ctest: skipped) with the reason when this machine
#                              cannot do it: not root, no `ip netns`, no sshd, no mpirun
#   mh_setup K                 K hosts (host1 … hostK, addresses $MH_NET.1 … $MH_NET.K, each on
#                              its own interface eth1) with an sshd each, and one more
#                              namespace for the relay ($MH_NET.100, no sshd)
#   mh_on HOST CMD…            run CMD on HOST (host1 … or relay): in its network namespace
#                              and its own UTS namespace (so `hostname` says HOST, as ranks see
#                              it), with a private /run; the filesystem is shared, as on hosts
#                              with a shared file system
#   mh_ip HOST                 the address of HOST
#   mh_ssh_env                 exports what mpirun needs to reach the hosts over ssh with the
#                              harness's own key and known-hosts file (never ~/.ssh)
#
# Everything made here (namespaces, bridge, veths, sshd and every process in the namespaces,
# the temporary directory) is removed by mh_cleanup, run by the EXIT trap that mh_setup sets
# (also on failure or a signal). Nothing is reachable from the machine's own network: the
# bridge has no address, so traffic stays between the namespaces.

MH_TMP=""
MH_BRIDGE=""
MH_NET=""
MH_HOSTS=0
MH_NS_PREFIX=""
MH_LOG=/dev/null

mh_skip() { echo "SKIP: $*"; exit 77; }
mh_fail() { echo "FAIL: $*"; [[ -z $MH_TMP || ! -d $MH_TMP ]] || mh_dump_logs; exit 1; }

mh_require() {
  [[ $(id -u) -eq 0 ]] || mh_skip "needs root (network namespaces, a bridge, sshd)"
  command -v ip >/dev/null || mh_skip "no ip (iproute2)"
  command -v unshare >/dev/null || mh_skip "no unshare (util-linux)"
  [[ -x /usr/sbin/sshd ]] || mh_skip "no /usr/sbin/sshd (Debian package openssh-server)"
  command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || mh_skip "no ssh client"
  command -v mpirun >/dev/null || mh_skip "no mpirun (openmpi-bin)"
  command -v python3 >/dev/null || mh_skip "no python3"
  local probe="rlmh-probe-$$"
  ip netns add "$probe" 2>/dev/null || mh_skip "cannot create a network namespace here"
  ip netns del "$probe"
}

# The processes in our namespaces, all started by this harness.
mh_ns_pids() {
  local ns
  for ns in $(mh_all_ns); do ip netns pids "$ns" 2>/dev/null; done
}
mh_all_ns() {
  local i
  for ((i = 1; i <= MH_HOSTS; i++)); do echo "${MH_NS_PREFIX}h$i"; done
  echo "${MH_NS_PREFIX}relay"
}

mh_cleanup() {
  local pids ns i
  pids=$(mh_ns_pids)
  # shellcheck disable=SC2086
  [[ -z $pids ]] || kill -TERM $pids 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(mh_ns_pids); [[ -z $pids ]] && break; sleep 0.3
  done
  # shellcheck disable=SC2086
  [[ -z $pids ]] || kill -KILL $pids 2>/dev/null
  for ns in $(mh_all_ns); do ip netns del "$ns" 2>/dev/null; done
  for ((i = 1; i <= MH_HOSTS + 1; i++)); do ip link del "${MH_BRIDGE}v$i" 2>/dev/null; done
  [[ -z $MH_BRIDGE ]] || ip link del "$MH_BRIDGE" 2>/dev/null
  [[ -z $MH_TMP ]] || rm -rf "$MH_TMP"
  return 0
}

mh_dump_logs() {
  local f
  for f in "$MH_TMP"/sshd-*.log "$MH_TMP"/relay.log; do
    [[ -s $f ]] || continue
    echo "--- $(basename "$f") (last lines) ---"; tail -5 "$f"
  done
  # The run's own output, whole: what rank 0 said before it ended is the diagnosis.
  if [[ -s $MH_TMP/run.log ]]; then
    echo "--- run.log (whole, without OpenMPI's help text) ---"
    grep -v '^\*\|^  \|^---' "$MH_TMP/run.log" | head -200
  fi
}

mh_ip() {
  case $1 in
    relay) echo "$MH_NET.100" ;;
    host*) echo "$MH_NET.${1#host}" ;;
    *) return 1 ;;
  esac
}
mh_ns() { case $1 in relay) echo "${MH_NS_PREFIX}relay" ;; host*) echo "${MH_NS_PREFIX}h${1#host}" ;; esac; }

# A private /run (sshd needs /run/sshd, which this machine may not have) and the host's name.
mh_on() {
  local host=$1; shift
  ip netns exec "$(mh_ns "$host")" unshare --uts --mount --propagation private \
    bash -c 'hostname "$0" && mount -t tmpfs -o size=4m,mode=755 tmpfs /run && mkdir -m 755 /run/sshd && exec "$@"' \
    "$host" "$@"
}

# A /24 in 10.77-10.99.x.0 that no interface of this machine uses.
mh_pick_subnet() {
  local used a b
  used=$(ip -4 -o addr show | awk '{print $4}')
  for a in 77 78 79; do
    for ((b = $$ % 200; b < $$ % 200 + 50; b++)); do
      grep -q "^10\.$a\.$b\." <<<"$used" || { echo "10.$a.$b"; return 0; }
    done
  done
  return 1
}

mh_setup() {
  MH_HOSTS=$1
  MH_TMP=$(mktemp -d /tmp/relayload-multihost.XXXXXX)
  MH_LOG=$MH_TMP/setup.log
  MH_BRIDGE="rlmh$$"
  MH_NS_PREFIX="relayload-mh$$-"
  trap 'mh_cleanup' EXIT
  trap 'exit 130' INT TERM
  MH_NET=$(mh_pick_subnet) || mh_fail "no free 10.77-79.x.0/24 subnet"

  ip link add "$MH_BRIDGE" type bridge 2>>"$MH_LOG" || mh_fail "cannot create a bridge: $(cat "$MH_LOG")"
  ip link set "$MH_BRIDGE" up
  local i name ns addr
  for ((i = 1; i <= MH_HOSTS + 1; i++)); do
    if ((i <= MH_HOSTS)); then name=host$i; else name=relay; fi
    ns=$(mh_ns "$name"); addr=$(mh_ip "$name")
    ip netns add "$ns" || mh_fail "cannot create namespace $ns"
    ip link add "${MH_BRIDGE}v$i" type veth peer name eth1 netns "$ns" \
      || mh_fail "cannot create a veth pair for $name"
    ip link set "${MH_BRIDGE}v$i" master "$MH_BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$addr/24" dev eth1
    ip -n "$ns" link set eth1 up
  done

  # The throw-away client key, one host key per host, a private known-hosts file and an ssh
  # configuration that reads nothing of ~/.ssh or /etc/ssh/ssh_config.
  ssh-keygen -q -t ed25519 -N '' -C relayload-multihost -f "$MH_TMP/id" >/dev/null
  cp "$MH_TMP/id.pub" "$MH_TMP/authorized_keys"
  : >"$MH_TMP/known_hosts"
  cat >"$MH_TMP/ssh_config" <<EOF
Host *
  User root
  IdentityFile $MH_TMP/id
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $MH_TMP/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
  LogLevel ERROR
EOF
  for ((i = 1; i <= MH_HOSTS; i++)); do
    addr=$(mh_ip "host$i")
    ssh-keygen -q -t ed25519 -N '' -f "$MH_TMP/hostkey$i" >/dev/null
    echo "$addr $(cut -d' ' -f1,2 "$MH_TMP/hostkey$i.pub")" >>"$MH_TMP/known_hosts"
    cat >"$MH_TMP/sshd$i.conf" <<EOF
ListenAddress $addr:22
HostKey $MH_TMP/hostkey$i
PidFile none
AuthorizedKeysFile $MH_TMP/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
PrintMotd no
MaxStartups 64:30:128
EOF
    # -D: stays in the foreground (a child of this harness, in the namespace); -e: log to stderr.
    mh_on "host$i" /usr/sbin/sshd -D -e -f "$MH_TMP/sshd$i.conf" >"$MH_TMP/sshd-host$i.log" 2>&1 &
  done
  for ((i = 1; i <= MH_HOSTS; i++)); do
    local ok=0
    for _ in $(seq 1 50); do
      # From host1, the launcher: the machine itself has no route to the hosts.
      if timeout 5 ip netns exec "$(mh_ns host1)" ssh -F "$MH_TMP/ssh_config" "$(mh_ip "host$i")" true \
        </dev/null 2>>"$MH_LOG"; then
        ok=1; break
      fi
      sleep 0.2
    done
    ((ok)) || mh_fail "ssh to host$i ($(mh_ip "host$i")) does not work: $(tail -3 "$MH_LOG")"
  done
}

# mpirun's ssh to the hosts: the harness's configuration only. The OpenMPI settings a user
# gives for machines with several interfaces (README, "Distributed runs") are in the test.
mh_ssh_env() {
  export OMPI_MCA_plm_rsh_agent="ssh -F $MH_TMP/ssh_config"
}

# What a user sets to run examples/distributed/run-hostfile.sh over these hosts (the README's
# list): a hostfile of the hosts' addresses (SLOTS each), ssh through the private config, the
# shared interface (here the hosts' subnet) for OpenMPI's TCP traffic, root allowed, and the
# recipe's HOSTFILE and RELAYLOAD_CLI. Creates $MH_TMP/work for the run's results.
#   mh_mpi_env CLI SLOTS HOST...
mh_mpi_env() {
  local cli=$1 slots=$2 h
  shift 2
  : >"$MH_TMP/hostfile"
  for h in "$@"; do printf '%s slots=%s\n' "$(mh_ip "$h")" "$slots" >>"$MH_TMP/hostfile"; done
  mkdir -p "$MH_TMP/work"
  mh_ssh_env
  export OMPI_MCA_btl_tcp_if_include=$MH_NET.0/24 OMPI_MCA_oob_tcp_if_include=$MH_NET.0/24
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export HOSTFILE=$MH_TMP/hostfile RELAYLOAD_CLI=$cli
}

# The relay in its namespace on port 0; sets MH_RELAY_URL.
mh_start_relay() {
  local cli=$1
  mh_on relay "$cli" relay --host "$(mh_ip relay)" --port 0 >"$MH_TMP/relay.log" 2>&1 &
  for _ in $(seq 1 100); do
    MH_RELAY_URL=$(sed -n 's/^relay listening on \(ws:[^ ]*\).*/\1/p' "$MH_TMP/relay.log")
    [[ -n $MH_RELAY_URL ]] && return 0
    sleep 0.1
  done
  mh_fail "the relay did not start: $(cat "$MH_TMP/relay.log")"
}
