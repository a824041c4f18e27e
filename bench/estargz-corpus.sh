#!/usr/bin/env bash
# Benchmarks eStargz on the ~700 MB corpus, next to the stargz project's own converter:
#   ctr-remote images convert --estargz --oci   (an image already in a private containerd)
#   lading, the same conversion: --from oci-layout://STORE:corpus:1 with
#           compression=estargz,force-compression=true
#   lading, straight from the tree: export CORPUS with compression=estargz
# ctr-remote is built once from Debian's golang-github-containerd-stargz-snapshotter-dev
# (GOPATH mode, no downloads) into $BENCH_DIR. Prints wall time and peak resident memory.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/estargz-corpus.sh
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench).
set -euo pipefail

bench_name=estargz-corpus
bench_subdir=estargz
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/private-containerd.sh"
gopath=/usr/share/gocode

for tool in go containerd ctr tar; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done
[ -d "$gopath/src/github.com/containerd/stargz-snapshotter/cmd/ctr-remote" ] ||
  die "stargz-snapshotter sources missing: apt-get install golang-github-containerd-stargz-snapshotter-dev"

ctr_remote=$BENCH_DIR/ctr-remote
if [ ! -x "$ctr_remote" ]; then
  echo "building ctr-remote from $gopath (once)" >&2
  (cd "$BENCH_DIR" && GOPATH=$gopath GO111MODULE=off GOCACHE=$BENCH_DIR/go-cache \
    go build -o "$ctr_remote" github.com/containerd/stargz-snapshotter/cmd/ctr-remote)
fi

rm -rf "$work"; mkdir -p "$work"
start_private_containerd "$work"

export SOURCE_DATE_EPOCH=1700000000
echo "preparing: the corpus image (gzip, OCI) in a store and in containerd (not measured)" >&2
"$LADING" export "$corpus" --output type=image,name=corpus:1,oci-mediatypes=true --store "$work/store" --progress quiet >/dev/null
tar -C "$work/store" -cf "$work/store.tar" .
ctr -a "$sock" -n bench images import --no-unpack "$work/store.tar" >/dev/null


measure "ctr-remote convert --estargz" "$ctr_remote" -a "$sock" -n bench images convert --estargz --oci \
  docker.io/library/corpus:1 docker.io/library/corpus:esgz
measure "lading convert (force-compression)" "$LADING" export --from "oci-layout://$work/store:corpus:1" \
  --output "type=image,name=corpus:esgz,oci-mediatypes=true,compression=estargz,force-compression=true" \
  --store "$work/store" --progress quiet
measure "lading export tree → estargz" "$LADING" export "$corpus" \
  --output "type=image,name=corpus:tree-esgz,oci-mediatypes=true,compression=estargz" \
  --store "$work/store-tree" --progress quiet

print_results estargz
