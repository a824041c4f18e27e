#!/usr/bin/env bash
# zstd export of the ~700 MB corpus next to `tar -cf - | zstd -3 -T2`, in interleaved rounds
# (the machine may be shared: every tool sees the same load), with medians of wall time,
# CPU seconds (user + system) and peak resident memory. Also lading with thread budgets of
# 1 and 2 (LADING_THREADS) and to a store (the other rows use store=false, like the peer
# writing to /dev/null).
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/zstd-corpus.sh [ROUNDS]   (default 5)
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench).
set -euo pipefail

bench_name=zstd-corpus
bench_subdir=zstd
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/interleaved-rounds.sh"
rounds=${1:-5}
command -v zstd >/dev/null 2>&1 || die "'zstd' is not installed: run scripts/setup"

rm -rf "$work"; mkdir -p "$work"
export SOURCE_DATE_EPOCH=1700000000
tar -C "$corpus" -cf - . > /dev/null  # page cache warm for everyone

spec="type=image,name=bench:zstd,compression=zstd,oci-mediatypes=true"
lading_zstd=("$LADING" export "$corpus" --store "$work/store" --progress quiet --output)

names=("tar | zstd -3 -T2" "lading zstd" "lading zstd budget 1" "lading zstd budget 2" "lading zstd to store")
files=(peer lading budget1 budget2 store)
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  round_run peer bash -c "set -o pipefail; tar -C '$corpus' -cf - . | zstd -3 -T2 -q > /dev/null"
  round_run lading "${lading_zstd[@]}" "$spec,store=false"
  LADING_THREADS=1 round_run budget1 "${lading_zstd[@]}" "$spec,store=false"
  LADING_THREADS=2 round_run budget2 "${lading_zstd[@]}" "$spec,store=false"
  round_run store "${lading_zstd[@]}" "$spec"
done

print_round_medians "$rounds" peer names files
