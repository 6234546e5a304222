#!/usr/bin/env bash
# Installs the Debian 12 packages relayload needs.
#
#   bash cmake/install-deps.sh          what building the library and relayload-cli needs
#   bash cmake/install-deps.sh --mpi    that, plus OpenMPI for distributed runs under mpirun
#   bash cmake/install-deps.sh --tests  all of that, plus what the whole test suite, the
#                                       sanitizer and fuzz builds and the micro-benchmarks need
#
# Idempotent: packages already installed are not reinstalled, and apt is not touched at all
# when everything is present.
set -euo pipefail

usage() { echo "usage: bash cmake/install-deps.sh [--mpi] [--tests]" >&2; }
with_tests=0
with_mpi=0
for arg in "$@"; do
  case "$arg" in
    --tests) with_tests=1; with_mpi=1 ;;
    --mpi) with_mpi=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-deps: unknown argument '$arg'" >&2; usage; exit 1 ;;
  esac
done

packages=(
  build-essential cmake pkg-config git ca-certificates
  ccache  # compiler cache shared by every preset and clone (~/.cache/ccache)
  libwebsocketpp-dev libasio-dev libssl-dev libfmt-dev rapidjson-dev libsodium-dev libcli11-dev
  libsecp256k1-dev  # ECIES (eciesjs format): secp256k1 key pairs and ECDH
  libyaml-cpp-dev  # workload files (relayload-cli run --workload, capacity)
  zlib1g-dev  # permessage-deflate (run --compression, relay --compression)
)
test_packages=(
  catch2 libbenchmark-dev
  nodejs npm                  # interop tests with the real JavaScript clients (npm ci)
  chromium                    # the browser test of the HTML report (ctest -L browser)
  clang libclang-rt-14-dev    # the libFuzzer targets (cmake --preset fuzz)
  iproute2                    # the blackhole test's network namespace (ip netns)
  openssh-server              # ctest -L multihost: an sshd in each namespace "host"
  python3 openssl procps      # test scripts: JSON checks, a self-signed certificate, pgrep
  prometheus                  # promtool and a real Prometheus scraping --metrics-listen (ctest -L prometheus)
)
mpi_packages=(openmpi-bin libopenmpi-dev)  # distributed runs under mpirun (ctest -L mpi)
if ((with_mpi)); then packages+=("${mpi_packages[@]}"); fi
if ((with_tests)); then packages+=("${test_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # node may come from elsewhere (for example a preinstalled Node 20); accept it when on PATH
    if [[ "$p" == nodejs && -x "$(command -v node || true)" ]]; then continue; fi
    if [[ "$p" == npm && -x "$(command -v npm || true)" ]]; then continue; fi
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
