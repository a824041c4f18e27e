#!/usr/bin/env bash
# Benchmarks pulls of the ~700 MB corpus image through lading-mirror next to docker-registry in
# proxy mode (proxy.remoteurl), both in front of the same upstream docker-registry:
#   direct:      skopeo copy from the upstream itself (the floor a mirror adds to)
#   cold, warm:  skopeo copy through each mirror with an empty cache, then again
#   10 at once:  ten concurrent cold skopeo copies through each mirror (fresh cache), with the
#                blob bytes the upstream sent counted from its access log
# Prints wall time and peak RSS of each pull, and the upstream bytes of the concurrent runs.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/mirror-pull.sh
# Environment: LADING, LADING_MIRROR (default <repo>/build/bin/...), BENCH_DIR (default
# /tmp/lading-bench).
set -euo pipefail

bench_name=mirror-pull
bench_subdir=mirror
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"
LADING_MIRROR=${LADING_MIRROR:-$repo_root/build/bin/lading-mirror}
[ -x "$LADING_MIRROR" ] || die "lading-mirror not found at $LADING_MIRROR"
for tool in skopeo docker-registry curl; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done

rm -rf "$work"; mkdir -p "$work"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
free_port() { echo $(( 20000 + RANDOM % 20000 )); }
wait_http() { for _ in $(seq 100); do curl -s "http://$1/v2/" >/dev/null 2>&1 && return; sleep 0.1; done; die "$1 does not answer"; }

# registry NAME PORT [REMOTE]: a docker-registry with its own storage (a proxy when REMOTE is set);
# its access log (one line per request, with the bytes sent) goes to $work/NAME.log.
registry() {
  local name=$1 port=$2 remote=${3:-}
  { echo "version: 0.1"
    echo "log: {level: info, formatter: text}"
    echo "storage: {filesystem: {rootdirectory: $work/$name-data}, delete: {enabled: true}}"
    echo "http: {addr: \"127.0.0.1:$port\"}"
    [ -n "$remote" ] && echo "proxy: {remoteurl: \"$remote\"}"
  } > "$work/$name.yml"
  docker-registry serve "$work/$name.yml" > "$work/$name.log" 2>&1 &
  pids+=($!)
  wait_http "127.0.0.1:$port"
}

upstream_port=$(free_port)
registry upstream "$upstream_port"
upstream=127.0.0.1:$upstream_port
export SOURCE_DATE_EPOCH=1700000000
echo "preparing: the corpus image pushed to the upstream (not measured)" >&2
"$LADING" export "$corpus" --output "type=registry,name=$upstream/corpus:1,store=false,oci-mediatypes=true" \
  --progress quiet >/dev/null

# Bytes of blob GETs the upstream answered since line $1 of its log.
upstream_blob_bytes() {
  tail -n +"$(( $1 + 1 ))" "$work/upstream.log" |
    awk '/"GET \/v2\/.*\/blobs\/sha256:/ { for (i = 1; i < NF; i++) if ($i ~ /^HTTP\//) { s += $(i + 2); break } }
         END { printf "%.0f\n", s }'
}
log_lines() { wc -l < "$work/upstream.log"; }

pull() { rm -rf "$work/out-$2"; skopeo copy --src-tls-verify=false "docker://$1/corpus:1" "oci:$work/out-$2:corpus" >/dev/null; }
export -f pull; export work
ten_pulls() {
  local i
  for i in $(seq 10); do pull "$1" "ten-$i" & done
  wait
}
export -f ten_pulls

start_lading_mirror() {
  local port; port=$(free_port)
  rm -rf "$work/lading-cache"
  "$LADING_MIRROR" --upstream "http://$upstream" --cache "$work/lading-cache" --listen "127.0.0.1:$port" \
    2> "$work/lading-mirror.log" &
  pids+=($!)
  wait_http "127.0.0.1:$port"
  lading_mirror=127.0.0.1:$port
}
stop_last() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }
start_proxy() {
  local port; port=$(free_port)
  rm -rf "$work/proxy-data"
  registry proxy "$port" "http://$upstream"
  proxy=127.0.0.1:$port
}

measure "direct from the upstream" bash -c "pull $upstream direct"

start_lading_mirror
measure "lading-mirror cold" bash -c "pull $lading_mirror lading-cold"
measure "lading-mirror warm" bash -c "pull $lading_mirror lading-warm"
stop_last
start_proxy
measure "docker-registry proxy cold" bash -c "pull $proxy proxy-cold"
measure "docker-registry proxy warm" bash -c "pull $proxy proxy-warm"
stop_last

start_lading_mirror
before=$(log_lines)
measure "lading-mirror 10 concurrent cold" bash -c "ten_pulls $lading_mirror"
lading_bytes=$(upstream_blob_bytes "$before")
stop_last
start_proxy
before=$(log_lines)
measure "docker-registry proxy 10 concurrent" bash -c "ten_pulls $proxy"
proxy_bytes=$(upstream_blob_bytes "$before")
stop_last

print_results "skopeo pulls"
image_bytes=$(du -sb "$work/out-direct/blobs" | cut -f1)
printf '\n%-36s %14s\n' "upstream blob bytes, 10 cold pulls" "bytes"
printf '%-36s %14s\n' "one copy of the image (blobs)" "$image_bytes" "lading-mirror" "$lading_bytes" \
  "docker-registry proxy" "$proxy_bytes"
