#!/usr/bin/env bash
# Do gzip levels 1..3 give the same bytes on every instruction-set path ISA-L's igzip
# dispatches to? Exports one tree with each level under each path this CPU can run
# (base, sse, avx, avx2, avx512), pinned by the LD_PRELOAD shim bench/isal_force_path.cpp,
# and prints the image digests side by side (the layer is the only thing that varies).
#
# Usage: bench/isal-paths.sh [TREE]   (default: the corpus of bench/export-corpus.sh)
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LADING=${LADING:-$repo_root/build/bin/lading}
BENCH_DIR=${BENCH_DIR:-/tmp/lading-bench}
tree=${1:-$BENCH_DIR/corpus}
die() { echo "isal-paths: $*" >&2; exit 1; }

[ -d "$tree" ] || die "no tree at $tree: pass one, or run bench/export-corpus.sh first"
[ -x "$LADING" ] || die "lading binary not found at $LADING"
command -v g++ >/dev/null || die "g++ is needed to build the shim"
mkdir -p "$BENCH_DIR"
shim=$BENCH_DIR/isal_force_path.so
g++ -O2 -shared -fPIC -o "$shim" "$repo_root/bench/isal_force_path.cpp" -lisal 2>/dev/null

flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { local f; for f in "$@"; do [[ $flags == *" $f "* ]] || return 1; done; }
paths=(base)
has sse4_2 && paths+=(sse)
has sse4_2 avx && paths+=(avx)
has sse4_2 avx avx2 && paths+=(avx2)
has sse4_2 avx avx2 avx512f avx512bw avx512vl avx512cd avx512dq && paths+=(avx512)

export SOURCE_DATE_EPOCH=1700000000
export LADING_GZIP_ENCODER=isal  # levels 1..3 through igzip, which the shim pins to one path
store=$BENCH_DIR/isal-paths-store
echo "tree: $tree ($(du -sh "$tree" | cut -f1)); paths this CPU runs: ${paths[*]}"
for level in 1 2 3; do
  declare -A seen=()
  line="level $level:"
  for path in "${paths[@]}"; do
    rm -rf "$store"
    digest=$(LD_PRELOAD=$shim LADING_ISAL_PATH=$path "$LADING" export "$tree" \
      --output "type=image,name=paths:1,compression=gzip,compression-level=$level" --store "$store" --progress quiet)
    line+=" $path=${digest:7:12}"
    seen[$digest]=1
  done
  rm -rf "$store"
  echo "$line  -> ${#seen[@]} distinct output(s)"
  unset seen
done
