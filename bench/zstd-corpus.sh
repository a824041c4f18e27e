#!/usr/bin/env bash
# zstd export of the ~700 MB corpus next to `tar -cf - | zstd -3 -T2`, in interleaved rounds
# (the machine may be shared: every tool sees the same load), with medians of wall time,
# CPU seconds (user + system) and peak resident memory. Also lading with thread budgets of
# 1 and 2 (LADING_THREADS) and to a store (the other rows use store=false, like the peer
# writing to /dev/null).
#
# With BENCH_COLD=1 (as root) each round also runs both from a cold page cache (dropped
# before each of those runs), where reading the tree is what takes the time.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/zstd-corpus.sh [ROUNDS]   (default 5)
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench),
#   BENCH_COLD=1 (the cold rows).
set -euo pipefail

bench_name=zstd-corpus
bench_subdir=zstd
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/interleaved-rounds.sh"
rounds=${1:-5}
command -v zstd >/dev/null 2>&1 || die "'zstd' is not installed: run scripts/setup"

rm -rf "$work"; mkdir -p "$work"
export SOURCE_DATE_EPOCH=1700000000
tar -C "$corpus" -cf - . | cat > /dev/null  # page cache warm for everyone

spec="type=image,name=bench:zstd,compression=zstd,oci-mediatypes=true"
lading_zstd=("$LADING" export "$corpus" --store "$work/store" --progress quiet --output)

names=("tar | zstd -3 -T2" "lading zstd" "lading zstd budget 1" "lading zstd budget 2" "lading zstd to store")
files=(peer lading budget1 budget2 store)
cold=${BENCH_COLD:-0}
if [ "$cold" = 1 ]; then
  names+=("tar | zstd -3 -T2, cold cache" "lading zstd, cold cache")
  files+=(peer_cold lading_cold)
fi
drop_page_cache() {
  sync
  echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || die "BENCH_COLD=1 drops the page cache: run as root"
}
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  round_run peer bash -c "set -o pipefail; tar -C '$corpus' -cf - . | zstd -3 -T2 -q > /dev/null"
  round_run lading "${lading_zstd[@]}" "$spec,store=false"
  LADING_THREADS=1 round_run budget1 "${lading_zstd[@]}" "$spec,store=false"
  LADING_THREADS=2 round_run budget2 "${lading_zstd[@]}" "$spec,store=false"
  round_run store "${lading_zstd[@]}" "$spec"
  if [ "$cold" = 1 ]; then
    drop_page_cache
    round_run peer_cold bash -c "set -o pipefail; tar -C '$corpus' -cf - . | zstd -3 -T2 -q > /dev/null"
    drop_page_cache
    round_run lading_cold "${lading_zstd[@]}" "$spec,store=false"  # leaves the tree cached again
  fi
done

print_round_medians "$rounds" peer names files
