# K load-generator droplets in one VPC, tagged so that one command destroys them, with
# cloud-init installing relayload-cli (cloud-init.yaml.tpl). See ../README.md.
#
#   terraform init
#   terraform apply -var run=$(date +%Y%m%d-%H%M) -var count_=10 \
#     -var relayload_url=https://… -var relayload_sha256=… -var ssh_key_fingerprint=…
#   terraform output -raw hostfile > hostfile
#   terraform destroy            # or: doctl compute droplet delete --tag-name relayload-<run> --force
terraform {
  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.0"
    }
  }
}

variable "run" { type = string }                 # names and tags this run's droplets
variable "count_" {
  type    = number
  default = 10
}
variable "region" {
  type    = string
  default = "nyc1"
}
variable "size" {
  type    = string
  default = "s-2vcpu-2gb"
}
variable "slots" {                               # ranks per droplet: one per vCPU
  type    = number
  default = 2
}
variable "relayload_url" { type = string }       # a tarball of `cmake --install` (bin/relayload-cli)
variable "relayload_sha256" { type = string }
variable "ssh_key_fingerprint" { type = string } # a key already in your DigitalOcean account
variable "ssh_public_key_file" {
  type    = string
  default = "~/.ssh/id_ed25519.pub"
}

resource "digitalocean_vpc" "load" {
  name   = "relayload-${var.run}"
  region = var.region
}

resource "digitalocean_droplet" "loadgen" {
  count    = var.count_
  name     = "relayload-${var.run}-${count.index + 1}"
  region   = var.region
  size     = var.size
  image    = "debian-12-x64"
  vpc_uuid = digitalocean_vpc.load.id
  ssh_keys = [var.ssh_key_fingerprint]
  tags     = ["relayload", "relayload-${var.run}"]
  user_data = templatefile("${path.module}/cloud-init.yaml.tpl", {
    relayload_url    = var.relayload_url
    relayload_sha256 = var.relayload_sha256
    ssh_public_key   = trimspace(file(pathexpand(var.ssh_public_key_file)))
  })
}

# ssh from anywhere (tighten to your address); everything inside the VPC (MPI's daemons and
# ranks talk over TCP on ports they choose).
resource "digitalocean_firewall" "loadgen" {
  name = "relayload-${var.run}"
  tags = ["relayload-${var.run}"]
  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }
  inbound_rule {
    protocol         = "tcp"
    port_range       = "1-65535"
    source_addresses = [digitalocean_vpc.load.ip_range]
  }
  outbound_rule {
    protocol              = "tcp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
  outbound_rule {
    protocol              = "udp"
    port_range            = "53"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
  depends_on = [digitalocean_droplet.loadgen]
}

output "launcher" {
  value = digitalocean_droplet.loadgen[0].ipv4_address
}
output "hostfile" {
  value = join("", [for d in digitalocean_droplet.loadgen : "${d.ipv4_address_private} slots=${var.slots}\n"])
}
