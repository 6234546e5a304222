#cloud-config
# A load-generator droplet: OpenMPI, relayload-cli from a tarball you built once (checked by
# its SHA-256), an unprivileged `loadgen` user reachable with your key, and the limits one
# rank per core needs. Filled in by Terraform's templatefile() (main.tf) or by envsubst
# (doctl.sh): relayload_url, relayload_sha256, ssh_public_key.
package_update: true
packages:
  - openmpi-bin
  - libfmt9
  - libsodium23
  - libssl3
  - ca-certificates
  - curl
users:
  - default
  - name: loadgen
    shell: /bin/bash
    ssh_authorized_keys:
      - ${ssh_public_key}
write_files:
  - path: /etc/security/limits.d/90-relayload.conf
    content: |
      loadgen soft nofile 65536
      loadgen hard nofile 65536
  - path: /etc/sysctl.d/90-relayload.conf
    content: |
      net.ipv4.ip_local_port_range = 10240 65000
      net.netfilter.nf_conntrack_max = 1048576
runcmd:
  - sysctl --system
  - curl -fsSL '${relayload_url}' -o /tmp/relayload.tar.gz
  - echo '${relayload_sha256}  /tmp/relayload.tar.gz' | sha256sum -c -
  - tar -C /usr/local -xzf /tmp/relayload.tar.gz
  - relayload-cli --version
