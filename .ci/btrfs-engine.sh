#!/usr/bin/env bash
# A second Docker engine whose storage can cap each container's disk (issue #18: "a disk the student
# cannot fill"). The CI kernel has no XFS project quotas, but btrfs quota groups work: this engine
# keeps its data on a loop-mounted btrfs with quotas on, so `--storage-opt size=` holds. The main engine
# is left exactly as it is. Idempotent: an engine already answering on the socket is reused.
#
# Everything of the second engine is its own: socket, pidfile, exec-root (its own containerd starts
# there), data-root, cgroup parent and bridge. Two points measured the hard way:
#   - `--bridge none` deletes the first engine's docker0, so it gets a dedicated bridge instead;
#   - dockerd removes and rebuilds the DOCKER and DOCKER-ISOLATION iptables chains when it starts,
#     which would drop the first engine's rules, so this one runs with --iptables=false (its labs are
#     for the disk test only; their networks are internal and nothing is published). Traffic inside
#     its lab networks then meets the first engine's FORWARD policy (DROP; bridged frames pass
#     iptables with bridge-nf-call-iptables=1): mail between two hosts of a lab never arrived. One
#     rule lets it through, for this engine's lab range only (LAB_SUBNETS, which its users must set
#     as MAILLAB_LAB_SUBNETS; the first engine's labs use 10.213.0.0/16).
# Prints the DOCKER_HOST to use on its last line.
set -euo pipefail

BASE=${MAILLAB_BTRFS_BASE:-/var/lib/maillab-btrfs}
RUN=/run/maillab-btrfs
SOCK="unix://$RUN/docker.sock"
IMAGE_FILE="$BASE.img"
BRIDGE=mlbtrfs0
BRIDGE_ADDR=10.231.0.1/24
SIZE=${MAILLAB_BTRFS_SIZE:-6G}
LAB_SUBNETS=10.232.0.0/16

lab_traffic() {
  local rule=(FORWARD -s "$LAB_SUBNETS" -d "$LAB_SUBNETS" -j ACCEPT)
  iptables -C "${rule[@]}" 2>/dev/null || iptables -I "${rule[@]:0:1}" 1 "${rule[@]:1}"
}
answers() { DOCKER_HOST=$SOCK docker info >/dev/null 2>&1; }

if answers; then
  lab_traffic
  echo "$SOCK"
  exit 0
fi

command -v mkfs.btrfs >/dev/null || {
  apt-get install -y -q btrfs-progs >/tmp/maillab-ci-btrfs-apt.log 2>&1 || {
    tail -n 20 /tmp/maillab-ci-btrfs-apt.log >&2
    exit 1
  }
}

mkdir -p "$BASE" "$RUN"
if ! mountpoint -q "$BASE"; then
  # Sparse: it takes disk only as the test's images and writes fill it.
  [ -f "$IMAGE_FILE" ] || { truncate -s "$SIZE" "$IMAGE_FILE" && mkfs.btrfs -q "$IMAGE_FILE" >/dev/null; }
  mount -o loop "$IMAGE_FILE" "$BASE"
fi
btrfs quota enable "$BASE"

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
fi
ip link set "$BRIDGE" up
lab_traffic

had_docker0=no
ip link show docker0 >/dev/null 2>&1 && had_docker0=yes
# A pidfile left by an engine that died would stop dockerd from starting.
if [ -f "$RUN/docker.pid" ] && ! kill -0 "$(cat "$RUN/docker.pid")" 2>/dev/null; then rm -f "$RUN/docker.pid"; fi

(setsid dockerd \
  --host "$SOCK" \
  --pidfile "$RUN/docker.pid" \
  --exec-root "$RUN/exec" \
  --data-root "$BASE/docker" \
  --storage-driver btrfs \
  --bridge "$BRIDGE" \
  --iptables=false --ip-masq=false \
  --cgroup-parent maillab-btrfs \
  >/tmp/maillab-ci-dockerd-btrfs.log 2>&1 &)
for _ in $(seq 1 60); do answers && break; sleep 1; done
answers || {
  tail -n 40 /tmp/maillab-ci-dockerd-btrfs.log >&2
  echo 'the btrfs dockerd did not start' >&2
  exit 1
}
# The first engine's bridge must have survived this one's start.
if [ "$had_docker0" = yes ] && ! ip link show docker0 >/dev/null 2>&1; then
  echo 'docker0 is gone after the btrfs engine started' >&2
  exit 1
fi
echo "$SOCK"
