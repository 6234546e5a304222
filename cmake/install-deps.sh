#!/usr/bin/env bash
# Installs the Debian 12 packages relayload needs to build, test and benchmark.
# Idempotent: packages already installed are not reinstalled, and apt is not
# touched at all when everything is present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libwebsocketpp-dev libasio-dev libssl-dev ca-certificates
  catch2 libfmt-dev rapidjson-dev libsodium-dev libcli11-dev libbenchmark-dev
  nodejs npm
  chromium  # the browser test of the HTML report (ctest -L browser)
  openmpi-bin libopenmpi-dev  # distributed runs under mpirun (ctest -L mpi)
  clang libclang-rt-14-dev    # the libFuzzer targets (cmake --preset fuzz)
  iproute2                    # the blackhole test's network namespace (ip netns)
  python3 openssl procps      # test scripts: JSON checks, a self-signed certificate, pgrep
)

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
