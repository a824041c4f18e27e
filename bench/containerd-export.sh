#!/usr/bin/env bash
# Benchmarks store=containerd on the ~700 MB corpus against containerd's own import of the
# same image, all into one private containerd (its own socket, root and namespaces):
#   ctr images import        the image as an OCI tarball (already compressed), unpacked
#   lading --from oci-layout the same image from lading's store into containerd, unpacked:
#                            the import's work (blobs copied, layers applied), through the API
#   lading export            the corpus tree, compressed and written with
#                            store=containerd,unpack=true (gzip, then zstd): compression included
#   lading export (layout)   the gzip export into an OCI layout, for what compression alone costs
# Each run starts from an empty namespace. Prints wall time, peak resident memory and the
# ratio of each lading run to the import.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/containerd-export.sh
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench),
#              CONTAINERD_SNAPSHOTTER (default overlayfs; native where overlayfs cannot mount).
set -euo pipefail

bench_name=containerd-export
bench_subdir=containerd
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/private-containerd.sh"
snapshotter=${CONTAINERD_SNAPSHOTTER:-overlayfs}

for tool in containerd ctr tar; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done
[ -f "$repo_root/build/lib/lading/plugins/liblading-store-containerd.so" ] ||
  die "the containerd store plugin is not built (needs libgrpc++-dev and the containerd protos: scripts/setup)"

rm -rf "$work"; mkdir -p "$work"
start_private_containerd "$work"

export SOURCE_DATE_EPOCH=1700000000 CONTAINERD_SNAPSHOTTER=$snapshotter
echo "preparing: the corpus image (gzip, OCI) as an OCI tarball (not measured)" >&2
"$LADING" export "$corpus" --output type=image,name=corpus:1 --store "$work/store" --progress quiet >/dev/null
tar -C "$work/store" -cf "$work/corpus.tar" .

# Each run starts with no dirty pages left by the one before (unpacking writes ~700 MB).
measured() { sync; measure "$@"; }
measured "ctr images import (OCI tar, unpack)" ctr -a "$sock" -n import images import \
  --snapshotter "$snapshotter" "$work/corpus.tar"
measured "lading --from oci-layout (same image)" env CONTAINERD_NAMESPACE=copy "$LADING" export \
  --from "oci-layout://$work/store:corpus:1" --output type=image,name=corpus:1,store=containerd,unpack=true \
  --store "$sock" --progress quiet
measured "lading store=containerd gzip" env CONTAINERD_NAMESPACE=gzip "$LADING" export "$corpus" \
  --output type=image,name=corpus:1,store=containerd,unpack=true --store "$sock" --progress quiet
measured "lading store=containerd zstd" env CONTAINERD_NAMESPACE=zstd "$LADING" export "$corpus" \
  --output type=image,name=corpus:1,store=containerd,unpack=true,compression=zstd --store "$sock" --progress quiet
measured "lading export gzip (OCI layout)" "$LADING" export "$corpus" \
  --output type=image,name=corpus:1 --store "$work/layout-again" --progress quiet

print_results "store=containerd ($snapshotter)"
IFS=$'\t' read -r _ import_secs _ <<< "${results[0]}"
for r in "${results[@]:1}"; do
  IFS=$'\t' read -r n s _ <<< "$r"
  awk -v n="$n" -v s="$s" -v i="$import_secs" 'BEGIN { printf "%-36s %9.2fx of the import\n", n, s / i }'
done
