#!/usr/bin/env bash
# Benchmarks pushing the ~700 MB corpus image to a local docker-registry, next to skopeo:
#   store → registry:  lading (--from oci-layout://STORE:corpus, store=false, push)
#                      vs skopeo copy --preserve-digests oci:STORE:corpus docker://...
#   tree → registry:   lading export CORPUS --output type=registry
#                      vs umoci insert into a fresh layout, then skopeo copy
#   floor:             curl POST + streamed PUT of the image's largest blob alone: what the
#                      registry itself needs to take in the bytes, whatever the client
#   streaming:         tree → store and tree → registry (layers streamed while compressed),
#                      gzip and zstd, BENCH_RUNS times each, interleaved: medians of wall time
#                      and CPU seconds, and the registry/store ratio (aim: ≤ 1.15)
#   repeat push:       the same tree pushed twice to one repository: the second finds its layer
#                      there through the push hint and streams nothing
#   bake:              the corpus's two halves as two targets of one `lading bake` (store=false,
#                      zstd) beside two `lading export` pushes of them, BENCH_RUNS times
# Every run goes to a fresh repository, so every blob is uploaded. Prints wall time and peak
# resident memory (GNU time) of each, and the load average before and after.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/push-corpus.sh
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench),
#   BENCH_RUNS (default 3), BENCH_PEERS=0 (only the streaming and bake tables), LADING_BASELINE (another lading binary whose tree → registry is
#   measured beside, e.g. one that compresses and then uploads), BENCH_REGISTRY_STORAGE (the
#   registry's storage directory, default under BENCH_DIR; a fresh directory in tmpfs such as
#   /dev/shm/push-bench takes the registry's fsync of each uploaded blob out of the comparison,
#   leaving lading's own cost of streaming beside its own fsync of the store),
#   BENCH_REGISTRY_CPUS and BENCH_LADING_CPUS (taskset CPU lists, e.g. 2,3 and 0,1: the registry
#   on cores of its own, as a registry elsewhere would be; everything else, lading and its
#   peers, on the others, with LADING_THREADS set to their number; both or neither).
set -euo pipefail

bench_name=push-corpus
bench_subdir=push
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"

for tool in skopeo umoci docker-registry curl; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done

rm -rf "$work"; mkdir -p "$work"
port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: ${BENCH_REGISTRY_STORAGE:-$work/registry}}}
http: {addr: "127.0.0.1:$port"}
YML
registry_pin=()
if [ -n "${BENCH_REGISTRY_CPUS:-}${BENCH_LADING_CPUS:-}" ]; then
  [ -n "${BENCH_REGISTRY_CPUS:-}" ] && [ -n "${BENCH_LADING_CPUS:-}" ] || die "set both BENCH_REGISTRY_CPUS and BENCH_LADING_CPUS, or neither"
  command -v taskset >/dev/null 2>&1 || die "'taskset' is not installed (util-linux)"
  taskset -pc "$BENCH_LADING_CPUS" $$ >/dev/null  # inherited by every command this script runs
  LADING_THREADS=$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' |
    awk -F- '{ n += (NF == 2) ? $2 - $1 + 1 : 1 } END { print n }')
  export LADING_THREADS
  registry_pin=(taskset -c "$BENCH_REGISTRY_CPUS")
  echo "registry on CPUs $BENCH_REGISTRY_CPUS; lading and peers on $BENCH_LADING_CPUS ($LADING_THREADS threads)" >&2
fi
"${registry_pin[@]}" docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
trap 'kill "$registry_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
reg=127.0.0.1:$port

export SOURCE_DATE_EPOCH=1700000000
export LADING_CACHE_DIR=$work/cache  # push hints of this run only
echo "preparing: the corpus image in a store (not measured)" >&2
"$LADING" export "$corpus" --output type=image,name=corpus:1,oci-mediatypes=true --store "$work/store" --progress quiet >/dev/null

export work corpus reg
umoci_then_skopeo() {
  local layout=$work/umoci
  rm -rf "$layout"
  umoci init --layout "$layout" && umoci new --image "$layout:corpus" &&
    umoci insert --rootless --image "$layout:corpus" "$corpus" / &&
    skopeo copy --preserve-digests --dest-tls-verify=false "oci:$layout:corpus" "docker://$reg/tree-skopeo:1"
}

curl_upload_largest_blob() {
  local blob location
  blob=$(ls -S "$work/store/blobs/sha256" | head -1)
  location=$(curl -sf -D - -o /dev/null -X POST "http://$reg/v2/floor/blobs/uploads/" |
    awk -F': ' 'tolower($1) == "location" { print $2 }' | tr -d '\r')
  case $location in http*) ;; *) location="http://$reg$location" ;; esac
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
    -T "$work/store/blobs/sha256/$blob" "$location&digest=sha256:$blob"
}
export -f curl_upload_largest_blob
if [ "${BENCH_PEERS:-1}" != 0 ]; then
measure "floor: curl PUT of the layer" bash -c curl_upload_largest_blob
measure "lading store→registry" "$LADING" export --from "oci-layout://$work/store:corpus:1" \
  --output "type=registry,name=$reg/store-lading:1,store=false,oci-mediatypes=true" --progress quiet
measure "skopeo copy store→registry" skopeo copy --preserve-digests --dest-tls-verify=false \
  "oci:$work/store:corpus:1" "docker://$reg/store-skopeo:1"
measure "lading tree→registry (gzip)" "$LADING" export "$corpus" \
  --output "type=registry,name=$reg/tree-lading:1,store=false,oci-mediatypes=true" --progress quiet
export -f umoci_then_skopeo
measure "umoci insert + skopeo copy" bash -c umoci_then_skopeo

print_results push
fi

# Streaming: the same compression into a store and into the registry, interleaved.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A walls cpus rss registry_cpus written
# CPU seconds the registry has used so far: it shares the machine's cores with lading.
registry_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$registry_pid/stat"; }
timed_run() {  # NAME CMD...: one run; appends wall time, CPU seconds, peak RSS, the MiB written to files and the registry's CPU to NAME's lists
  local name=$1; shift
  # Every run starts with the corpus in the page cache: a machine that reclaims idle page cache
  # (DAMON, memory pressure) would otherwise make some runs read the disk and others not.
  tar -C "$corpus" -cf - . | cat > /dev/null  # (not straight to /dev/null: GNU tar would skip reading)
  local registry_before; registry_before=$(registry_cpu)
  # The shell between time and the command reads its own I/O count once the command has
  # ended: the kernel adds a child's count to its parent's when it is waited for.
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
    bash -c '"$@"; status=$?; sed -n "s/^write_bytes: //p" /proc/$$/io > "$0"; exit $status' "$work/written" "$@" \
    > "$work/last.log" 2>&1 || { tail -5 "$work/last.log" >&2; die "$name failed"; }
  read -r secs user sys kib < "$work/time"
  local bytes; bytes=$(cat "$work/written")
  written[$name]+="$(( ${bytes:-0} >> 20 )) "
  walls[$name]+="$secs "
  rss[$name]+="$kib "
  cpus[$name]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') "
  registry_cpus[$name]+="$(awk -v a="$registry_before" -v b="$(registry_cpu)" 'BEGIN { printf "%.2f", b - a }') "
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
streaming_names=()
for codec in gzip zstd; do
  streaming_names+=("tree→store $codec" "tree→registry $codec" "tree→registry+store $codec")
  [ -n "${LADING_BASELINE:-}" ] && streaming_names+=("baseline tree→registry $codec")
done
for run in $(seq "${BENCH_RUNS:-3}"); do
  echo "streaming: run $run of ${BENCH_RUNS:-3}" >&2
  for codec in gzip zstd; do
    out="compression=$codec,oci-mediatypes=true"
    rm -rf "$work/store-$codec"
    timed_run "tree→store $codec" "$LADING" export "$corpus" --output "type=image,name=c:1,$out" \
      --store "$work/store-$codec" --progress quiet
    # A hint cache of its own: a first push of the tree streams its layer (the repeat push
    # below measures the hint).
    LADING_CACHE_DIR=$work/cache-$codec-$run timed_run "tree→registry $codec" "$LADING" export "$corpus" \
      --output "type=registry,name=$reg/stream-$codec-$run:1,store=false,$out" --progress quiet
    rm -rf "$work/store-both-$codec"
    timed_run "tree→registry+store $codec" "$LADING" export "$corpus" --store "$work/store-both-$codec" \
      --output "type=registry,name=$reg/both-$codec-$run:1,$out" --progress quiet
    if [ -n "${LADING_BASELINE:-}" ]; then
      LADING_CACHE_DIR=$work/cache-baseline-$codec-$run timed_run "baseline tree→registry $codec" "$LADING_BASELINE" export "$corpus" \
        --output "type=registry,name=$reg/baseline-$codec-$run:1,store=false,$out" --progress quiet
    fi
  done
done
printf '\n%-36s %10s %10s %8s %14s %13s %10s %10s   (medians of %s runs; load %s before, %s after)\n' "streaming" \
  "seconds" "CPU-s" "vs store" "peak RSS KiB" "registry CPU" "CPU bound" "disk MiB" "${BENCH_RUNS:-3}" "$load_before" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${streaming_names[@]}"; do
  codec=${name##* }
  wall=$(median <<< "${walls[$name]}")
  cpu=$(median <<< "${cpus[$name]}")
  registry=$(median <<< "${registry_cpus[$name]}")
  store_wall=$(median <<< "${walls[tree→store $codec]}")
  store_cpu=$(median <<< "${cpus[tree→store $codec]}")
  printf '%-36s %10s %10s %8s %14s %13s %10s %10s\n' "$name" "$wall" "$cpu" \
    "$(awk -v a="$wall" -v b="$store_wall" 'BEGIN { printf "%.2fx", a / b }')" "$(median <<< "${rss[$name]}")" \
    "$registry" "$(awk -v a="$cpu" -v r="$registry" -v b="$store_cpu" 'BEGIN { printf "%.2fx", (a + r) / b }')" \
    "$(median <<< "${written[$name]}")"
done
if [ ${#registry_pin[@]} -gt 0 ]; then
  echo "(registry CPU: CPU seconds docker-registry spent during the run, on CPUs $BENCH_REGISTRY_CPUS of its own."
else
  echo "(registry CPU: CPU seconds docker-registry spent during the run, on the same cores."
fi
echo " CPU bound: lading's and the registry's CPU seconds over the store run's: the least 'vs store'"
echo " possible when both runs keep the cores equally busy; below it only with the registry elsewhere."
echo " disk MiB: what lading wrote to files on block devices (a tmpfs is not counted), the store's"
echo " blobs or the push spool; not the registry's writes)"

# Repeat push: the same tree to the same repository once more. The push hint left by the first
# push finds the layer there, so nothing is streamed; compared with the first push.
repeat="type=registry,name=$reg/repeat:1,store=false,compression=zstd,oci-mediatypes=true"
timed_run "first push zstd" "$LADING" export "$corpus" --output "$repeat" --progress quiet
timed_run "repeat push zstd" "$LADING" export "$corpus" --output "$repeat" --progress quiet
printf '%-36s %10s %10s %8s %14s\n' "repeat push zstd (same repository)" "${walls[repeat push zstd]% }" \
  "${cpus[repeat push zstd]% }" "$(awk -v a="${walls[repeat push zstd]% }" -v b="${walls[first push zstd]% }" \
  'BEGIN { printf "%.2fx", a / b }')" "${rss[repeat push zstd]% }"
echo "(the last ratio is against the first push of that tree to that repository)"

# Bake: the corpus's two halves (usr/include, usr/lib) as two targets of one `lading bake`,
# pushed with store=false, beside the same two images pushed by two `lading export` runs one
# after the other. No target shares a layer with another, so each target builds its own and
# streams it while it is compressed, as an export does.
cat > "$work/lading-bake.json" <<JSON
{
  "variable": {"RUN": {"default": "0"}},
  "group": {"default": {"targets": ["include", "lib"]}},
  "target": {
    "include": {"context": "$corpus/usr/include", "tags": ["$reg/bake-include-\${RUN}:1"],
                "output": ["type=registry,store=false,compression=zstd,oci-mediatypes=true"]},
    "lib": {"context": "$corpus/usr/lib", "tags": ["$reg/bake-lib-\${RUN}:1"],
            "output": ["type=registry,store=false,compression=zstd,oci-mediatypes=true"]}
  }
}
JSON
export_halves() {  # LADING RUN: the two halves pushed by two exports, one after the other
  for half in include lib; do
    LADING_CACHE_DIR=$work/cache-halves-$2 "$1" export "$corpus/usr/$half" --progress quiet \
      --output "type=registry,name=$reg/export-$half-$2:1,store=false,compression=zstd,oci-mediatypes=true" || return
  done
}
export -f export_halves
bake_names=("bake 2 targets→registry zstd" "2 exports→registry zstd")
[ -n "${LADING_BASELINE:-}" ] && bake_names+=("baseline bake 2 targets→registry zstd")
for run in $(seq "${BENCH_RUNS:-3}"); do
  echo "bake: run $run of ${BENCH_RUNS:-3}" >&2
  # Fresh repositories and hint caches: every run streams and uploads every layer.
  RUN=$run LADING_CACHE_DIR=$work/cache-bake-$run timed_run "bake 2 targets→registry zstd" "$LADING" bake -f "$work/lading-bake.json" \
    --store "$work/bake-store" --progress quiet
  timed_run "2 exports→registry zstd" bash -c 'export_halves "$0" "$1"' "$LADING" "$run"
  if [ -n "${LADING_BASELINE:-}" ]; then
    RUN=baseline-$run LADING_CACHE_DIR=$work/cache-baseline-bake-$run timed_run "baseline bake 2 targets→registry zstd" "$LADING_BASELINE" bake \
      -f "$work/lading-bake.json" --store "$work/bake-store" --progress quiet
  fi
done
printf '\n%-42s %10s %10s %10s %13s %10s\n' "bake (two halves of the corpus)" "seconds" "CPU-s" "vs exports" \
  "registry CPU" "disk MiB"
for name in "${bake_names[@]}"; do
  wall=$(median <<< "${walls[$name]}")
  printf '%-42s %10s %10s %10s %13s %10s\n' "$name" "$wall" "$(median <<< "${cpus[$name]}")" \
    "$(awk -v a="$wall" -v b="$(median <<< "${walls[2 exports→registry zstd]}")" 'BEGIN { printf "%.2fx", a / b }')" \
    "$(median <<< "${registry_cpus[$name]}")" "$(median <<< "${written[$name]}")"
done
