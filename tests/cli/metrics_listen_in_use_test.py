#!/usr/bin/env python3
"""--metrics-listen on a port another process holds: `run`, `relay` and `capacity` stop
before any load (no configuration banner, no relay), exit 1, and name the address and the
reason.

usage: metrics_listen_in_use_test.py RELAYLOAD_CLI WORKLOAD_FILE
"""
import socket
import subprocess
import sys


def main():
    cli, workload = sys.argv[1], sys.argv[2]
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    address = "127.0.0.1:%d" % port
    cases = {
        "run": [cli, "run", "--scenario=steady-state", "--connections=5", "--duration=30",
                "--no-progress", "--metrics-listen=" + address],
        "relay": [cli, "relay", "--port=0", "--metrics-listen=" + address],
        "capacity": [cli, "capacity", "--workload=" + workload, "--scale=new-sessions.rate",
                     "--from=2/s", "--step=2/s", "--max=4/s", "--step-duration=3",
                     "--no-progress", "--metrics-listen=" + address],
    }
    failed = False
    for name, args in cases.items():
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        out = r.stdout + r.stderr
        expected = "--metrics-listen %s: cannot listen: Address already in use" % address
        if r.returncode != 1 or expected not in out or "LOAD TEST RUNNER" in out or "Capacity search" in out:
            print("FAIL (%s): exit %s, expected 1 and %r before any load:\n%s"
                  % (name, r.returncode, expected, out), file=sys.stderr)
            failed = True
        else:
            print("%s: %s" % (name, [l for l in out.splitlines() if "metrics-listen" in l][0]))
    holder.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
