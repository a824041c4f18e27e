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
rounds=${1:-5}
command -v zstd >/dev/null 2>&1 || die "'zstd' is not installed: run scripts/setup"

rm -rf "$work"; mkdir -p "$work"
export SOURCE_DATE_EPOCH=1700000000
tar -C "$corpus" -cf - . > /dev/null  # page cache warm for everyone

# run NAME CMD...: one timed run, appended to $work/NAME.runs as "wall cpu_s rss_kib".
run() {
  local name=$1; shift
  rm -rf "$work/store"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/last.log" 2>&1 || { tail -5 "$work/last.log" >&2; die "$name failed"; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >> "$work/$name.runs"
}
spec="type=image,name=bench:zstd,compression=zstd,oci-mediatypes=true"
lading_zstd=("$LADING" export "$corpus" --store "$work/store" --progress quiet --output)

names=("tar | zstd -3 -T2" "lading zstd" "lading zstd budget 1" "lading zstd budget 2" "lading zstd to store")
files=(peer lading budget1 budget2 store)
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  run peer bash -c "set -o pipefail; tar -C '$corpus' -cf - . | zstd -3 -T2 -q > /dev/null"
  run lading "${lading_zstd[@]}" "$spec,store=false"
  LADING_THREADS=1 run budget1 "${lading_zstd[@]}" "$spec,store=false"
  LADING_THREADS=2 run budget2 "${lading_zstd[@]}" "$spec,store=false"
  run store "${lading_zstd[@]}" "$spec"
done

median() {  # median COLUMN FILE
  sort -n -k"$1","$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}
peer_wall=$(median 1 "$work/peer.runs")
printf '\n%-24s %9s %9s %11s %13s\n' "median of $rounds rounds" "wall (s)" "CPU-s" "RSS (KiB)" "wall / peer"
for i in "${!files[@]}"; do
  f="$work/${files[$i]}.runs"
  wall=$(median 1 "$f")
  printf '%-24s %9s %9s %11s %13s\n' "${names[$i]}" "$wall" "$(median 2 "$f")" "$(median 3 "$f")" \
    "$(awk -v a="$wall" -v b="$peer_wall" 'BEGIN { printf "%.2fx", a / b }')"
done
echo "corpus $(du -sh "$corpus" | cut -f1), $(nproc) cores, load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
