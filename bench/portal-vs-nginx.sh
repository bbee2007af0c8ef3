#!/usr/bin/env bash
# Serves cached public pages — the portal home, an agency's column, its 指南 and an item page — from `gongkai serve`
# (demo data, embedded SQLite) and the same bytes as static files from nginx, loads each with wrk (same settings,
# same run), and prints requests/s, the ratio gongkai/nginx, the CPU time each server spent per request (a figure
# that holds on a busy machine, where requests/s do not), gongkai's memory idle and under load, and its startup time.
# Only 127.0.0.1 is used.
#   bench/portal-vs-nginx.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "需要 $tool：apt-get install -y nginx-light wrk curl"; exit 2; }
done
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as nobody
gk_pid=""; ng_pid=""
cleanup() { [ -n "$gk_pid" ] && kill "$gk_pid" 2>/dev/null; [ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/gongkai" ./cmd/gongkai
gk_port=18731; ng_port=18732

"$work/gongkai" migrate --data "$work/empty" >/dev/null
start=$(date +%s%N)
"$work/gongkai" serve --data "$work/empty" --addr 127.0.0.1:$gk_port >"$work/empty.out" 2>/dev/null &
gk_pid=$!
until curl -sf "http://127.0.0.1:$gk_port/healthz" >/dev/null; do sleep 0.01; done
echo "startup on an empty database: $(( ($(date +%s%N) - start) / 1000000 )) ms (to the first answered health check)"
kill "$gk_pid"; wait "$gk_pid" 2>/dev/null || true

"$work/gongkai" serve --demo --data "$work/data" --addr 127.0.0.1:$gk_port >"$work/serve.out" 2>/dev/null &
gk_pid=$!
until curl -sf "http://127.0.0.1:$gk_port/healthz" >/dev/null; do sleep 0.05; done
# The demo's catalogue is written in the background after the server starts: every write ends the cached pages, so
# the load starts when it is done.
until grep -q "条主动公开示范信息" "$work/serve.out"; do sleep 0.5; done
sleep 2

item=$(curl -sf "http://127.0.0.1:$gk_port/agencies/2/" | grep -o 'href="/items/[0-9]*"' | head -n 1 | grep -o '[0-9]*')
pages=("/" "/agencies/2/" "/agencies/2/guide" "/items/$item")
mkdir -p "$work/www/agencies/2" "$work/www/items"
curl -sf "http://127.0.0.1:$gk_port/" >"$work/www/index.html"
curl -sf "http://127.0.0.1:$gk_port/agencies/2/" >"$work/www/agencies/2/index.html"
curl -sf "http://127.0.0.1:$gk_port/agencies/2/guide" >"$work/www/agencies/2/guide.html"
curl -sf "http://127.0.0.1:$gk_port/items/$item" >"$work/www/items/$item.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.1:$ng_port;
    root $work/www;
    location = /agencies/2/guide { try_files /agencies/2/guide.html =404; }
    location ~ ^/items/([0-9]+)$ { try_files /items/\$1.html =404; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
ng_pid=$!
until curl -sf "http://127.0.0.1:$ng_port/" >/dev/null; do sleep 0.05; done
for page in "${pages[@]}"; do
  cmp -s <(curl -sf "http://127.0.0.1:$gk_port$page") <(curl -sf "http://127.0.0.1:$ng_port$page") || { echo "nginx does not serve the bytes of $page"; exit 1; }
done

rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$gk_pid/status"; }
# cpu PID...: user+system CPU time of the processes so far, in clock ticks.
cpu() { local t=0; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$t"; }
ng_workers() { pgrep -P "$ng_pid" | tr '\n' ' '; }
echo "gongkai memory idle: $(rss) MiB"
# bench URL PIDS...: requests/s, and CPU microseconds per request of the PIDs.
bench() {
  local url=$1; shift
  local c0; c0=$(cpu "$@")
  local out; out=$(wrk -t2 -c"$conns" -d"${secs}s" "$url")
  local c1; c1=$(cpu "$@")
  local rps reqs; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps $(echo "($c1 - $c0) * 1000000 / $(getconf CLK_TCK) / $reqs" | bc -l)"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for page in "${pages[@]}"; do
  read -r g gcpu < <(bench "http://127.0.0.1:$gk_port$page" "$gk_pid")
  loaded=$(rss)
  read -r n ncpu < <(bench "http://127.0.0.1:$ng_port$page" $(ng_workers))
  printf '%-20s gongkai %8.0f req/s %5.1f µs CPU/req   nginx %8.0f req/s %5.1f µs CPU/req   ratio %.2f (CPU %.2f)   gongkai memory after load %s MiB\n' \
    "$page" "$g" "$gcpu" "$n" "$ncpu" "$(echo "$g / $n" | bc -l)" "$(echo "$ncpu / $gcpu" | bc -l)" "$loaded"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
