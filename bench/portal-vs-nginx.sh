#!/usr/bin/env bash
# Serves the portal home and an agency's 指南 from `gongkai serve` (demo data, embedded SQLite) and the same bytes
# as static files from nginx, loads each with wrk (same settings, same run), and prints requests/s, the ratio
# gongkai/nginx, gongkai's memory idle and under load, and its startup time. Only 127.0.0.1 is used.
#   bench/portal-vs-nginx.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-50}
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

mkdir -p "$work/www/agencies/2"
curl -sf "http://127.0.0.1:$gk_port/" >"$work/www/index.html"
curl -sf "http://127.0.0.1:$gk_port/agencies/2/guide" >"$work/www/agencies/2/guide.html"
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
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
ng_pid=$!
until curl -sf "http://127.0.0.1:$ng_port/" >/dev/null; do sleep 0.05; done

rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$gk_pid/status"; }
echo "gongkai memory idle: $(rss) MiB"
bench() { wrk -t2 -c"$conns" -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
for page in "/" "/agencies/2/guide"; do
  g=$(bench "http://127.0.0.1:$gk_port$page")
  loaded=$(rss)
  n=$(bench "http://127.0.0.1:$ng_port$page")
  printf '%-20s gongkai %8.0f req/s   nginx %8.0f req/s   ratio %.2f   gongkai memory after load %s MiB\n' \
    "$page" "$g" "$n" "$(echo "$g / $n" | bc -l)" "$loaded"
done
