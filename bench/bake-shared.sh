#!/usr/bin/env bash
# Benchmarks `lading bake` on 8 targets that share a ~300 MB directory of real files (each with
# a small top layer of its own) against 8 separate `lading export` runs of the same images, in
# the same script run. Prints wall time and CPU seconds of both, and their ratio; checks that
# both give the same image digests.
#
# Usage: bench/bake-shared.sh
# Environment:
#   LADING            the lading binary (default: <repo>/build/bin/lading)
#   BENCH_DIR         work directory; the shared tree is built once and cached here
#                     (default /tmp/lading-bench)
#   BENCH_SHARED_MB   size of the shared directory in MB (default 300)
#   BENCH_COMPRESSION gzip (default) or zstd
#   LADING_THREADS    passed through to lading if set
# Needs GNU time (Debian package `time`).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LADING=${LADING:-$repo_root/build/bin/lading}
BENCH_DIR=${BENCH_DIR:-/tmp/lading-bench}
BENCH_SHARED_MB=${BENCH_SHARED_MB:-300}
compression=${BENCH_COMPRESSION:-gzip}
work=$BENCH_DIR/bake-shared
shared=$work/shared-$BENCH_SHARED_MB
targets=8
die() { echo "bake-shared: $*" >&2; exit 1; }

[ -x "$LADING" ] || die "lading binary not found at $LADING"
[ -x /usr/bin/time ] || die "GNU time is needed: apt-get install time"
mkdir -p "$work"

# The shared tree: regular files from /usr in path order until BENCH_SHARED_MB (built once).
if [ ! -f "$shared.done" ]; then
  echo "building the shared tree ($BENCH_SHARED_MB MB) in $shared ..." >&2
  rm -rf "$shared"
  mkdir -p "$shared"
  (cd / && find usr/include usr/share usr/lib/x86_64-linux-gnu -xdev -type f -printf '%s\t%p\n' 2>/dev/null) |
    LC_ALL=C sort -t $'\t' -k2 |
    awk -F '\t' -v limit=$((BENCH_SHARED_MB * 1000 * 1000)) '!full && t + $1 <= limit { t += $1; print $2; next } { full = 1 }' \
      > "$work/shared.list"
  (cd / && tar --no-recursion -T "$work/shared.list" -cf - 2>/dev/null) | tar -C "$shared" -xf - ||
    echo "warning: tar reported problems while copying (a file changed or vanished); continuing" >&2
  touch "$shared.done"
fi

# A small top layer per target, different in each, and the bake file naming them all.
names=()
for i in $(seq 1 $targets); do
  mkdir -p "$work/top$i/etc"
  printf 'target %s\n' "$i" > "$work/top$i/etc/target"
  awk -v i="$i" 'BEGIN { for (n = 0; n < 40000; n++) print "line", n, "of target", i }' > "$work/top$i/etc/data"
  names+=("\"t$i\"")
done
{
  printf '{"group": {"default": {"targets": [%s]}},\n "target": {\n' "$(IFS=,; echo "${names[*]}")"
  for i in $(seq 1 $targets); do
    printf '  "t%s": {"context": "%s", "layers": ["top%s"], "tags": ["bench/t%s:1"],' "$i" "$(basename "$shared")" "$i" "$i"
    printf ' "output": ["type=image,compression=%s"]}%s\n' "$compression" "$([ "$i" -lt $targets ] && echo ,)"
  done
  printf ' }}\n'
} > "$work/lading-bake.json"

export SOURCE_DATE_EPOCH=1700000000
timed() {  # NAME CMD...: runs CMD, adds "wall user sys" to $work/NAME.time
  local name=$1; shift
  /usr/bin/time -a -f '%e %U %S' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" ||
    { tail -5 "$work/$name.err" >&2; die "$name failed"; }
}

rm -rf "$work/store-separate" "$work/store-bake" "$work"/*.time
echo "8 separate lading export runs ..." >&2
for i in $(seq 1 $targets); do
  timed separate "$LADING" export "$shared" --layer "$work/top$i" \
    -o "type=image,name=bench/t$i:1,compression=$compression" --store "$work/store-separate" --progress quiet
  cat "$work/separate.out" >> "$work/separate.digests"
done
echo "one lading bake of the 8 targets ..." >&2
timed bake "$LADING" bake -f "$work/lading-bake.json" --store "$work/store-bake" --progress quiet

sort "$work/separate.digests" > "$work/separate.sorted"; rm -f "$work/separate.digests"
cut -d' ' -f2 "$work/bake.out" | sort > "$work/bake.sorted"
cmp -s "$work/separate.sorted" "$work/bake.sorted" || die "bake and separate exports gave different digests"

sum() { awk '{ w += $1; c += $2 + $3 } END { printf "%.2f %.2f", w, c }' "$1"; }
read -r sep_wall sep_cpu <<< "$(sum "$work/separate.time")"
read -r bake_wall bake_cpu <<< "$(sum "$work/bake.time")"
printf '\n%d targets sharing %s of files, %s, %s cores, load %s\n' "$targets" "$(du -sh "$shared" | cut -f1)" \
  "$compression" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %10s %10s\n' "" "wall s" "CPU s"
printf '%-28s %10s %10s\n' "8 x lading export" "$sep_wall" "$sep_cpu"
printf '%-28s %10s %10s\n' "lading bake (8 targets)" "$bake_wall" "$bake_cpu"
awk -v b="$bake_wall" -v s="$sep_wall" -v bc="$bake_cpu" -v sc="$sep_cpu" \
  'BEGIN { printf "%-28s %9.2fx %9.2fx   (aim: wall <= 0.30x)\n", "bake / separate", b / s, bc / sc }'
