# Sourced by the benchmarks that run on the cached corpus (push-corpus.sh, estargz-corpus.sh):
# settings, the corpus check, and `measure NAME CMD...` recording wall time and peak RSS
# (GNU time) for `print_results TITLE`.
# Before sourcing, set bench_name (for messages) and bench_subdir (the work folder's name).

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LADING=${LADING:-$repo_root/build/bin/lading}
BENCH_DIR=${BENCH_DIR:-/tmp/lading-bench}
corpus=$BENCH_DIR/corpus
work=$BENCH_DIR/$bench_subdir
die() { echo "$bench_name: $*" >&2; exit 1; }

[ -f "$BENCH_DIR/corpus.done" ] || die "no cached corpus in $BENCH_DIR: run bench/export-corpus.sh first"
[ -x /usr/bin/time ] || die "GNU time is needed for the memory column: apt-get install time"
[ -x "$LADING" ] || die "lading binary not found at $LADING"

results=()
measure() {
  local name=$1; shift
  echo "running: $name" >&2
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/last.log" 2>&1 || { tail -5 "$work/last.log" >&2; die "$name failed"; }
  read -r secs kib < "$work/time"
  results+=("$name"$'\t'"$secs"$'\t'"$kib")
}

print_results() {
  printf '\n%-36s %10s %14s\n' "$1 of $(du -sh "$corpus" | cut -f1) corpus" "seconds" "peak RSS KiB"
  local r n s k
  for r in "${results[@]}"; do IFS=$'\t' read -r n s k <<< "$r"; printf '%-36s %10s %14s\n' "$n" "$s" "$k"; done
}
