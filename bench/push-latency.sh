#!/usr/bin/env bash
# Benchmarks pushes to a registry some distance away, where round trips rather than bytes
# decide: a local docker-registry behind bench/delay_proxy.cpp, which holds every byte
# BENCH_ONE_WAY_MS (default 25: a 50 ms round trip) each way. The image is three layers of
# 4 MiB each (incompressible, made from a fixed seed), so that each layer streams on its own.
#   lading first push:          export of the three trees to a registry, layers streamed
#                               while they are compressed (no push hint)
#   lading hinted push:         the same with each layer's push hint from an earlier push: the
#                               registry is asked whether it holds each layer first
#   baseline ...:               the same two with LADING_BASELINE (another lading binary)
#   skopeo copy store→registry: the same image from a layout, every blob already compressed
# Each run pushes to a fresh repository. Prints medians of BENCH_RUNS (default 5) runs,
# interleaved, and how many requests of each kind the registry saw per run.
#
# Usage: bench/push-latency.sh (needs a built lading, docker-registry, skopeo, curl, g++)
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench),
#   BENCH_RUNS, BENCH_ONE_WAY_MS, LADING_BASELINE.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LADING=${LADING:-$repo_root/build/bin/lading}
BENCH_DIR=${BENCH_DIR:-/tmp/lading-bench}
work=$BENCH_DIR/push-latency
runs=${BENCH_RUNS:-5}
one_way=${BENCH_ONE_WAY_MS:-25}
die() { echo "push-latency: $*" >&2; exit 1; }
for tool in docker-registry skopeo curl g++ openssl; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done
[ -x "$LADING" ] || die "lading binary not found at $LADING"

rm -rf "$work"; mkdir -p "$work"
g++ -O2 -std=c++20 -o "$work/delay_proxy" "$repo_root/bench/delay_proxy.cpp" -lpthread

registry_port=$(( 20000 + RANDOM % 10000 ))
proxy_port=$(( registry_port + 10000 ))
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: info, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: "127.0.0.1:$registry_port"}
YML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
"$work/delay_proxy" "$proxy_port" "$registry_port" "$one_way" > "$work/proxy.log" 2>&1 &
proxy_pid=$!
trap 'kill "$registry_pid" "$proxy_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 50); do grep -q ready "$work/proxy.log" && break; sleep 0.1; done
reg=127.0.0.1:$proxy_port

trees=()
for i in 1 2 3; do
  mkdir -p "$work/tree$i"
  head -c $((4 << 20)) /dev/zero |
    openssl enc -aes-128-ctr -nosalt -K "0000000000000000000000000000000$i" -iv 00000000000000000000000000000000 > "$work/tree$i/noise.bin"
  trees+=("$work/tree$i")
done
layers=(--layer "${trees[1]}" --layer "${trees[2]}")

export SOURCE_DATE_EPOCH=1700000000
"$LADING" export "${trees[0]}" "${layers[@]}" --output type=image,name=three:1,oci-mediatypes=true \
  --store "$work/store" --progress quiet >/dev/null

# Requests the registry has logged so far, by method and kind (ping, blob upload, ...).
request_counts() {
  { grep -o 'http.request.method=[A-Z]* http.request.remoteaddr=[^ ]* http.request.uri="\?[^" ?]*' "$work/registry.log" || true; } |
    sed -E 's/http.request.method=([A-Z]*) .*uri="?(.*)/\1 \2/' |
    sed -E 's#/v2/.+/blobs/uploads/.+#/v2/R/blobs/uploads/U#; s#/v2/.+/blobs/uploads/$#/v2/R/blobs/uploads/#; s#/v2/.+/blobs/sha256:.*#/v2/R/blobs/D#; s#/v2/.+/manifests/.*#/v2/R/manifests/M#' |
    sort | uniq -c | awk '{ printf "%s %s %s\n", $2, $3, $1 }'
}
declare -A walls
timed_run() {  # NAME CMD...
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" > "$work/last.log" 2>&1 || { tail -5 "$work/last.log" >&2; die "$name failed"; }
  end=$(date +%s.%N)
  walls[$name]+="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') "
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
binaries=(lading)
[ -n "${LADING_BASELINE:-}" ] && binaries+=(baseline)
binary_of() { if [ "$1" = lading ]; then echo "$LADING"; else echo "$LADING_BASELINE"; fi; }
names=()
for b in "${binaries[@]}"; do names+=("$b first push" "$b hinted push"); done
names+=("skopeo copy store→registry")
declare -A requests
counted_run() {  # NAME CMD...: a timed run; the requests of the first run are kept for NAME
  local name=$1 before
  before=$(request_counts)
  timed_run "$@"
  sleep 0.2  # the registry logs a request after answering it
  [ -n "${requests[$name]:-}" ] || requests[$name]=$(awk 'NR == FNR { before[$1 " " $2] = $3; next }
    { n = $3 - before[$1 " " $2]; if (n > 0) print $1, $2, n }' <(echo "$before") <(request_counts))
}
push_trees() {  # BINARY REPOSITORY
  "$1" export "${trees[0]}" "${layers[@]}" --output "type=registry,name=$reg/$2:1,store=false,oci-mediatypes=true" \
    --progress quiet
}
# A hinted push finds each layer's push hint (its digest, from an earlier push of the same
# tree) and asks the registry whether the repository holds it before building the layer.
for b in "${binaries[@]}"; do
  LADING_CACHE_DIR=$work/cache-hinted-$b push_trees "$(binary_of "$b")" "warm-$b" >/dev/null
done
for run in $(seq "$runs"); do
  echo "run $run of $runs" >&2
  for b in "${binaries[@]}"; do
    # A hint cache of its own: a first push of the trees.
    LADING_CACHE_DIR=$work/cache-$b-$run counted_run "$b first push" push_trees "$(binary_of "$b")" "$b-first-$run"
    LADING_CACHE_DIR=$work/cache-hinted-$b counted_run "$b hinted push" push_trees "$(binary_of "$b")" "$b-hinted-$run"
  done
  counted_run "skopeo copy store→registry" skopeo copy --preserve-digests --dest-tls-verify=false \
    "oci:$work/store:three:1" "docker://$reg/skopeo-$run:1"
done
printf '\n%-30s %10s   (tree to registry, 3 layers of 4 MiB, %s ms each way, medians of %s runs)\n' "push" "seconds" "$one_way" "$runs"
for name in "${names[@]}"; do
  printf '%-30s %10s\n' "$name" "$(median <<< "${walls[$name]}")"
done
for name in "${names[@]}"; do
  printf '\nrequests of one %s (method, path, count; R repository, U upload, D digest):\n%s\n' "$name" "${requests[$name]}"
done
