# Sourced by the benchmarks that need containerd: `start_private_containerd DIR` starts one
# with its config, root, state and socket under DIR (CRI and the kernel-bound snapshotters
# off), sets `sock`, and stops it when the script exits. Needs `die` (corpus-common.sh).
start_private_containerd() {
  local dir=$1
  sock=$dir/containerd.sock
  cat > "$dir/containerd.toml" <<TOML
version = 2
root = "$dir/containerd-root"
state = "$dir/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$dir/opt"
TOML
  containerd --config "$dir/containerd.toml" > "$dir/containerd.log" 2>&1 &
  containerd_pid=$!
  trap 'kill "$containerd_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do ctr -a "$sock" version >/dev/null 2>&1 && break; sleep 0.1; done
  ctr -a "$sock" version >/dev/null 2>&1 || die "containerd did not start: $(tail -3 "$dir/containerd.log")"
}
