#!/usr/bin/env bash
# Benchmarks one export of a ~700 MB tree of real files against peer tools:
#   tar | zstd -3 -T2, tar | pigz -6 -p2, umoci insert (into a fresh layout),
#   lading export compression=zstd and compression=gzip (OCI media types, fresh store).
# Prints wall time, peak resident memory (GNU time's %M) and throughput for each.
#
# Usage: bench/export-corpus.sh
# Environment:
#   LADING            the lading binary (default: <repo>/build/bin/lading, i.e. ./build/bin/lading
#                     when run from the repository root)
#   BENCH_DIR         work directory; the corpus is built once and cached here
#                     (default /tmp/lading-bench)
#   BENCH_CORPUS_MB   corpus size in MB (default 700)
#   LADING_THREADS    passed through to lading (compressor threads) if set
# Needs what scripts/setup installs (tar, zstd, pigz, umoci); GNU time (Debian package
# `time`) for the memory column: without it only wall time is measured.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LADING=${LADING:-$repo_root/build/bin/lading}
BENCH_DIR=${BENCH_DIR:-/tmp/lading-bench}
BENCH_CORPUS_MB=${BENCH_CORPUS_MB:-700}
corpus=$BENCH_DIR/corpus
corpus_done=$BENCH_DIR/corpus.done
runs=$BENCH_DIR/runs

die() { echo "export-corpus: $*" >&2; exit 1; }

for tool in tar zstd pigz umoci find; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup (Debian package: $tool)"
done
[ -x "$LADING" ] || die "lading binary not found at $LADING: build it (cmake --build build) or set LADING=/path/to/lading"
LADING=$(cd "$(dirname "$LADING")" && pwd)/$(basename "$LADING")

gnu_time=""
if [ -x /usr/bin/time ] && /usr/bin/time -f '%e' -o /dev/null true 2>/dev/null; then
  gnu_time=/usr/bin/time
else
  echo "hint: GNU time is missing, so peak memory is not measured; install it with: apt-get install time" >&2
fi

mkdir -p "$BENCH_DIR"

# ---------------------------------------------------------------------------------------------
# Corpus: real files copied from /usr until BENCH_CORPUS_MB is reached (built once).
build_corpus() {
  local limit=$((BENCH_CORPUS_MB * 1000 * 1000)) total=0 list="$BENCH_DIR/corpus.list"
  echo "building the corpus ($BENCH_CORPUS_MB MB) in $corpus ..." >&2
  rm -rf "$corpus" "$corpus_done" "$list"
  mkdir -p "$corpus"
  : > "$list"
  local src size path type inode links
  local -A seen=()  # hardlinked inodes are stored once: count them once
  for src in usr/include usr/lib/x86_64-linux-gnu usr/share usr/bin; do
    [ -d "/$src" ] || continue
    while IFS=$'\t' read -r -d '' type size inode links path; do
      if [ "$type" = f ]; then
        if [ "$links" -gt 1 ] && [ -n "${seen[$inode]:-}" ]; then
          size=0
        fi
        # A file that would overshoot the target is left out; smaller ones fill up.
        [ $((total + size)) -gt "$limit" ] && continue
        [ "$links" -gt 1 ] && seen[$inode]=1
        total=$((total + size))
      fi
      printf '%s\0' "$path" >> "$list"
      [ "$total" -ge $((limit / 100 * 99)) ] && break 2
    done < <(cd / && find "$src" -xdev \( -type f -o -type l -o -type d \) -printf '%y\t%s\t%i\t%n\t%p\0' 2>/dev/null)
  done
  # --no-recursion: exactly the listed entries (parents are created as needed).
  (cd / && tar --null --no-recursion -T "$list" -cf - 2>/dev/null) | tar -C "$corpus" -xf - ||
    echo "warning: tar reported problems while copying the corpus (a file changed or vanished); continuing" >&2
  echo "$total" > "$corpus_done"
  rm -f "$list"
}

if [ ! -f "$corpus_done" ] || [ ! -d "$corpus" ]; then
  build_corpus
else
  echo "using the cached corpus in $corpus (remove $corpus_done to rebuild)" >&2
fi
corpus_bytes=$(du -sb "$corpus" | cut -f1)
corpus_files=$(find "$corpus" -type f | wc -l)

# Warm the page cache so that every tool reads the corpus from memory.
tar -C "$corpus" -cf - . | cat > /dev/null

# ---------------------------------------------------------------------------------------------
# measure NAME COMMAND: runs COMMAND (a bash snippet) and records "seconds peak_kib status".
results=()
failed=0
measure() {
  local name=$1 cmd=$2 tfile="$BENCH_DIR/time.out" log="$BENCH_DIR/last.log" status=0 secs kib
  rm -rf "$runs"; mkdir -p "$runs"
  echo "running: $name" >&2
  if [ -n "$gnu_time" ]; then
    "$gnu_time" -f '%e s %M KiB' -o "$tfile" bash -c "$cmd" > "$log" 2>&1 || status=$?
    read -r secs _ kib _ < <(tail -n 1 "$tfile")
  else
    local start end
    start=$(date +%s.%N)
    bash -c "$cmd" > "$log" 2>&1 || status=$?
    end=$(date +%s.%N)
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
    kib="n/a"
  fi
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "  FAILED (exit $status); last output:" >&2
    tail -n 5 "$log" >&2
    results+=("$name"$'\t'"FAILED"$'\t'"exit $status"$'\t'"-")
  else
    local mbs
    mbs=$(awk -v b="$corpus_bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "-" }')
    results+=("$name"$'\t'"$secs"$'\t'"$kib"$'\t'"$mbs")
  fi
  rm -rf "$runs"
}

q() { printf '%q' "$1"; }
C=$(q "$corpus")
R=$(q "$runs")
L=$(q "$LADING")

measure "tar | zstd -3 -T2" "set -o pipefail; tar -C $C -cf - . | zstd -3 -T2 -q > /dev/null"
measure "tar | pigz -6 -p2" "set -o pipefail; tar -C $C -cf - . | pigz -6 -p2 > /dev/null"
measure "umoci insert (gzip)" \
  "umoci init --layout $R/layout >/dev/null && umoci new --image $R/layout:bench >/dev/null && umoci insert --rootless --image $R/layout:bench $C /"
measure "lading export zstd" \
  "$L export $C --output type=image,name=bench:zstd,compression=zstd,oci-mediatypes=true --store $R/store --progress quiet"
measure "lading export gzip" \
  "$L export $C --output type=image,name=bench:gzip,compression=gzip,oci-mediatypes=true --store $R/store --progress quiet"

# ---------------------------------------------------------------------------------------------
echo
echo "corpus: $corpus ($((corpus_bytes / 1000000)) MB, $corpus_files files); $(nproc) cores; lading: $LADING"
[ -n "${LADING_THREADS:-}" ] && echo "LADING_THREADS=$LADING_THREADS"
printf '%-24s %10s %16s %8s\n' "tool" "time (s)" "peak RSS (KiB)" "MB/s"
printf '%-24s %10s %16s %8s\n' "------------------------" "----------" "----------------" "--------"
for row in "${results[@]}"; do
  IFS=$'\t' read -r name secs kib mbs <<< "$row"
  printf '%-24s %10s %16s %8s\n' "$name" "$secs" "$kib" "$mbs"
done
exit "$failed"
