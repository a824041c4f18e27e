#!/usr/bin/env bash
# Benchmarks pushing the ~700 MB corpus (one zstd layer, store=false) to a local
# docker-registry behind nginx that caps request bodies at 1m (nginx's default
# client_max_body_size), beside the same push through nginx without a cap and straight to the
# registry:
#   first push:   the layer's stream is refused (413), the layer is built again into the
#                 spool and goes up in chunks, after refusals of 16, 8, 4 and 2 MiB
#   later pushes: the chunk size noted by the first push is used from the start: the layer
#                 streams in chunks of 1 MiB while it is built, nothing is refused
#   skopeo copy of the stored image through the capped nginx: it sends each blob in one
#                 request, which nginx refuses
# Prints medians of BENCH_RUNS runs (default 3) of wall time, CPU seconds and peak RSS.
#
# Usage: bench/export-corpus.sh first (it builds and caches the corpus), then
#        bench/push-capped.sh
# Environment: LADING (default <repo>/build/bin/lading), BENCH_DIR (default /tmp/lading-bench),
#   BENCH_RUNS.
set -euo pipefail

bench_name=push-capped
bench_subdir=push-capped
source "$(dirname "${BASH_SOURCE[0]}")/corpus-common.sh"

for tool in skopeo docker-registry curl; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed: run scripts/setup"
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || die "'nginx' is not installed: run scripts/setup"

rm -rf "$work"; mkdir -p "$work"
registry_port=$(( 20000 + RANDOM % 10000 )); capped_port=$(( registry_port + 10000 )); open_port=$(( registry_port + 20000 ))
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: "127.0.0.1:$registry_port"}
YML
front() {  # PORT CAP: one nginx server block
  cat <<CONF
  server {
    listen 127.0.0.1:$1;
    client_max_body_size $2;
    location / {
      proxy_pass http://127.0.0.1:$registry_port;
      proxy_set_header Host \$http_host;
      proxy_http_version 1.1;
      proxy_request_buffering off;
      proxy_read_timeout 600;
    }
  }
CONF
}
cat > "$work/nginx.conf" <<CONF
daemon off;
master_process off;
pid $work/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/client_body;
  proxy_temp_path $work/proxy;
$(front "$capped_port" 1m)
$(front "$open_port" 0)
}
CONF
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
"$nginx" -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
nginx_pid=$!
trap 'kill "$registry_pid" "$nginx_pid" 2>/dev/null || true' EXIT
for port in "$registry_port" "$capped_port" "$open_port"; do
  for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
done

export SOURCE_DATE_EPOCH=1700000000
echo "preparing: the corpus image in a store (not measured)" >&2
"$LADING" export "$corpus" --output type=image,name=corpus:1,compression=zstd,oci-mediatypes=true \
  --store "$work/store" --progress quiet >/dev/null

declare -A walls cpus rss
timed_run() {  # NAME CMD...
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/last.log" 2>&1 ||
    { tail -5 "$work/last.log" >&2; die "$name failed"; }
  read -r secs user sys kib < "$work/time"
  walls[$name]+="$secs "
  rss[$name]+="$kib "
  cpus[$name]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') "
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
push() {  # NAME PORT REPOSITORY CACHE
  LADING_CACHE_DIR=$4 timed_run "$1" "$LADING" export "$corpus" --progress quiet \
    --output "type=registry,name=127.0.0.1:$2/$3:1,store=false,compression=zstd,oci-mediatypes=true"
}
names=("straight to the registry" "nginx without a cap" "nginx 1m: first push" "nginx 1m: later push")
for run in $(seq "${BENCH_RUNS:-3}"); do
  echo "run $run of ${BENCH_RUNS:-3}" >&2
  push "straight to the registry" "$registry_port" "direct-$run" "$work/cache-direct-$run"
  push "nginx without a cap" "$open_port" "open-$run" "$work/cache-open-$run"
  push "nginx 1m: first push" "$capped_port" "first-$run" "$work/cache-capped-$run"
  push "nginx 1m: later push" "$capped_port" "later-$run" "$work/cache-capped-$run"
done
skopeo_outcome=$(skopeo copy --preserve-digests --dest-tls-verify=false "oci:$work/store:corpus:1" \
  "docker://127.0.0.1:$capped_port/skopeo:1" 2>&1 >/dev/null | tail -1) && skopeo_outcome="succeeded"

printf '\n%-36s %10s %10s %14s   (medians of %s runs)\n' "corpus push, zstd, store=false" "seconds" "CPU-s" \
  "peak RSS KiB" "${BENCH_RUNS:-3}"
for name in "${names[@]}"; do
  printf '%-36s %10s %10s %14s\n' "$name" "$(median <<< "${walls[$name]}")" "$(median <<< "${cpus[$name]}")" \
    "$(median <<< "${rss[$name]}")"
done
echo "skopeo copy store→nginx 1m: ${skopeo_outcome:0:160}"
