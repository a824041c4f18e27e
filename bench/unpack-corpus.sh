#!/usr/bin/env bash
# Unpacking the ~700 MB corpus image (one layer) next to GNU tar extracting the same layer
# blob, in interleaved rounds with medians of wall time, CPU seconds and peak RSS:
#   tar -xf BLOB -C DIR                       (GNU tar starts zstd -d or gzip -d itself)
#   lading export --from oci-layout://STORE:corpus --output type=image,unpack=true
#                                             (verifies the blob and the diffID, applies the
#                                              layer, flushes the filesystem, renames into place)
# for a zstd and a gzip layer. Run on tmpfs by default (UNPACK_DIR): a disk shared with
# other work makes the kernel's writeback, not the unpackers, the figure.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/unpack-corpus.sh [ROUNDS]   (default 5)
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench),
#              UNPACK_DIR (default /dev/shm/lading-unpack-bench; where the store and trees go).
set -euo pipefail

bench_name=unpack-corpus
bench_subdir=unpack
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"
rounds=${1:-5}
for tool in tar zstd gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done
UNPACK_DIR=${UNPACK_DIR:-/dev/shm/lading-unpack-bench}
rm -rf "$work" "$UNPACK_DIR"; mkdir -p "$work" "$UNPACK_DIR"
trap 'rm -rf "$UNPACK_DIR"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# run NAME CMD...: one timed run, appended to $work/NAME.runs as "wall cpu_s rss_kib".
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/last.log" 2>&1 || { tail -5 "$work/last.log" >&2; die "$name failed"; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >> "$work/$name.runs"
}

names=() files=()
for compression in zstd gzip; do
  store=$UNPACK_DIR/store-$compression
  echo "preparing: the corpus as one $compression layer in $store (not measured)" >&2
  "$LADING" export "$corpus" --output "type=image,name=corpus:1,compression=$compression" --store "$store" --progress quiet >/dev/null
  layer=$(ls -S "$store"/blobs/sha256/* | head -1)
  names+=("tar -xf ($compression)" "lading unpack ($compression)")
  files+=("tar-$compression" "lading-$compression")
done

for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  for compression in zstd gzip; do
    store=$UNPACK_DIR/store-$compression
    layer=$(ls -S "$store"/blobs/sha256/* | head -1)
    rm -rf "$UNPACK_DIR/tree" "$store/unpacked"; mkdir "$UNPACK_DIR/tree"
    run "tar-$compression" tar -xf "$layer" -C "$UNPACK_DIR/tree"
    rm -rf "$UNPACK_DIR/tree"
    run "lading-$compression" "$LADING" export --from "oci-layout://$store:corpus:1" \
      --output type=image,name=corpus:unpacked,unpack=true --store "$store" --progress quiet
  done
done

median() {  # median COLUMN FILE
  sort -n -k"$1","$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}
printf '\n%-26s %9s %9s %11s %13s\n' "median of $rounds rounds" "wall (s)" "CPU-s" "RSS (KiB)" "wall / tar"
for i in "${!files[@]}"; do
  f="$work/${files[$i]}.runs"
  wall=$(median 1 "$f")
  (( i % 2 == 0 )) && peer_wall=$wall
  printf '%-26s %9s %9s %11s %13s\n' "${names[$i]}" "$wall" "$(median 2 "$f")" "$(median 3 "$f")" \
    "$(awk -v a="$wall" -v b="$peer_wall" 'BEGIN { printf "%.2fx", a / b }')"
done
echo "corpus $(du -sh "$corpus" | cut -f1), unpacked on $(df --output=fstype "$UNPACK_DIR" | tail -1), $(nproc) cores, load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
