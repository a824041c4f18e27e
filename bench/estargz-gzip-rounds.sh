#!/usr/bin/env bash
# eStargz export of the ~700 MB corpus next to the gzip export of the same tree, in
# interleaved rounds (the machine may be shared: both see the same load), with medians of
# wall time, CPU seconds (user + system) and peak resident memory, and estargz / gzip.
# Both write to a store at the default level; SOURCE_DATE_EPOCH is fixed.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/estargz-gzip-rounds.sh [ROUNDS]   (default 5)
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench),
#              LADING_THREADS passed through when set.
set -euo pipefail

bench_name=estargz-gzip-rounds
bench_subdir=estargz-gzip
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/interleaved-rounds.sh"
rounds=${1:-5}

rm -rf "$work"; mkdir -p "$work"
export SOURCE_DATE_EPOCH=1700000000
tar -C "$corpus" -cf - . | cat > /dev/null  # page cache warm for everyone

export_to_store=("$LADING" export "$corpus" --store "$work/store" --progress quiet --output)
spec=type=image,name=bench:1,oci-mediatypes=true,compression
names=("lading gzip" "lading estargz")
files=(gzip estargz)
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  round_run gzip "${export_to_store[@]}" "$spec=gzip"
  round_run estargz "${export_to_store[@]}" "$spec=estargz"
done
print_round_medians "$rounds" gzip names files
