#!/usr/bin/env bash
# One large generated layer (default 6 GiB), exported by lading with gzip 6, gzip 1 (ISA-L, the
# default on x86-64, and libdeflate with LADING_GZIP_ENCODER=libdeflate) and zstd 3 next to the same tree through tar | pigz -6, tar | pigz -1 and tar | zstd -3 -T2,
# all writing their output to a file. For each: wall time, CPU seconds (user + system),
# throughput (tree bytes / wall time), throughput per core (tree bytes / CPU seconds),
# peak RSS and output size, so the figures read beside published single-core numbers
# (Go's compress/gzip, pgzip). The tree comes from bench/large_layer_tree.cpp, reproducible
# from its seed; generating it is timed separately and done once per size and seed.
#
# Usage: bench/large-layer.sh
# Environment:
#   LADING             the lading binary (default <repo>/build/bin/lading)
#   BENCH_DIR          work directory (default /tmp/lading-bench)
#   LARGE_LAYER_GIB    tree size in GiB, may be fractional (default 6)
#   LARGE_LAYER_SEED   generator seed (default 1)
#   LARGE_LAYER_RUNS   runs of each command, interleaved; the median is printed (default 1)
#   LARGE_LAYER_OUT    where the outputs are written (default /dev/shm/lading-large-layer-work,
#                      tmpfs): lading's store flushes each blob to disk before it counts as
#                      stored while the peers' files do not, so on a disk the write-back of ~3 GB,
#                      not the compressors, would be the figure
#   LADING_THREADS     passed through to lading if set
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LADING=${LADING:-$repo_root/build/bin/lading}
BENCH_DIR=${BENCH_DIR:-/tmp/lading-bench}
gib=${LARGE_LAYER_GIB:-6}
seed=${LARGE_LAYER_SEED:-1}
runs=${LARGE_LAYER_RUNS:-1}
die() { echo "large-layer: $*" >&2; exit 1; }

for tool in tar pigz zstd g++; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done
[ -x /usr/bin/time ] || die "GNU time is needed: apt-get install time"
[ -x "$LADING" ] || die "lading binary not found at $LADING"

bytes=$(awk -v g="$gib" 'BEGIN { printf "%.0f", g * 1024 * 1024 * 1024 }')
tree=$BENCH_DIR/large-layer-$gib-$seed
work=${LARGE_LAYER_OUT:-/dev/shm/lading-large-layer-work}
mkdir -p "$BENCH_DIR"

if [ ! -f "$tree.done" ]; then
  generator=$BENCH_DIR/large_layer_tree
  g++ -O2 -std=c++20 -o "$generator" "$repo_root/bench/large_layer_tree.cpp"
  rm -rf "$tree"
  echo "generating $gib GiB (seed $seed) in $tree ..." >&2
  /usr/bin/time -f '%e' -o "$BENCH_DIR/generate.time" "$generator" "$tree" "$bytes" "$seed"
  echo "generated in $(cat "$BENCH_DIR/generate.time") s" >&2
  touch "$tree.done"
fi
tree_bytes=$(du -sb "$tree" | cut -f1)
tar -C "$tree" -cf - . > /dev/null  # into the page cache

declare -A names commands
order=()
add() { order+=("$1"); commands[$1]=$2; }
q() { printf '%q' "$1"; }
T=$(q "$tree") W=$(q "$work") L=$(q "$LADING")
lading_export() {
  echo "$L export $T --output type=image,name=large:1,$1 --store $W/store --progress quiet"
}
add "lading gzip 6" "$(lading_export compression=gzip,compression-level=6)"
add "tar | pigz -6" "set -o pipefail; tar -C $T -cf - . | pigz -6 > $W/out"
add "lading gzip 1" "$(lading_export compression=gzip,compression-level=1)"
add "lading gzip 1 libdeflate" "LADING_GZIP_ENCODER=libdeflate $(lading_export compression=gzip,compression-level=1)"
add "tar | pigz -1" "set -o pipefail; tar -C $T -cf - . | pigz -1 > $W/out"
add "lading zstd 3" "$(lading_export compression=zstd,compression-level=3)"
add "tar | zstd -3 -T2" "set -o pipefail; tar -C $T -cf - . | zstd -q -3 -T2 > $W/out"

declare -A samples
for ((r = 1; r <= runs; r++)); do
  for name in "${order[@]}"; do
    rm -rf "$work"; mkdir -p "$work"
    echo "run $r: $name" >&2
    /usr/bin/time -f '%e %U %S %M' -o "$work.time" bash -c "${commands[$name]}" > "$work.log" 2>&1 ||
      { tail -5 "$work.log" >&2; die "$name failed"; }
    out_bytes=$(du -sb "$work" | cut -f1)
    samples[$name]+="$(cat "$work.time") $out_bytes"$'\n'
  done
done
rm -rf "$work" "$work.time" "$work.log"

echo
echo "tree: $tree ($tree_bytes bytes, seed $seed); $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $runs run(s); MB = 10^6 bytes of tree; per core = tree MB / CPU seconds"
printf '%-20s %9s %9s %9s %13s %11s %15s\n' tool "wall s" "CPU s" "MB/s" "MB/s per core" "peak MiB" "output MB"
for name in "${order[@]}"; do
  printf '%s' "${samples[$name]}" | sort -n -k1 | awk -v n="$runs" -v b="$tree_bytes" -v name="$name" '
    NR == int((n + 1) / 2) {
      cpu = $2 + $3
      printf "%-20s %9.2f %9.2f %9.0f %13.0f %11.0f %15.0f\n", name, $1, cpu, b / 1e6 / $1, b / 1e6 / cpu, $4 / 1024, $5 / 1e6
    }'
done
