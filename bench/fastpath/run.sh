#!/usr/bin/env bash
# The experiment of decision 0024: the same 5,637-byte page with the same headers from nginx (2 workers, static
# file), a minimal net/http server (with the default GOGC and GOGC=400) and a connection loop below net/http
# (bench/fastpath/main.go), loaded with wrk one after another, ROUNDS times in turn, in one session; prints req/s and
# the ratio to the nginx run of the same round. Only 127.0.0.1 is used.
#   bench/fastpath/run.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}; conns=${2:-32}; rounds=${3:-4}
work=$(mktemp -d); chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/fastpath" ./bench/fastpath
mkdir -p "$work/www"; "$work/fastpath" -write "$work/www/index.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; default_type text/html; server { listen 127.0.0.1:18740; root $work/www; } }
CONF
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
"$work/fastpath" -mode nethttp -addr 127.0.0.1:18741 & pids+=($!)
GOGC=400 "$work/fastpath" -mode nethttp -addr 127.0.0.1:18742 & pids+=($!)
"$work/fastpath" -mode fast -addr 127.0.0.1:18743 & pids+=($!)
for port in 18740 18741 18742 18743; do until curl -sf "http://127.0.0.1:$port/" >/dev/null; do sleep 0.05; done; done
for port in 18741 18742 18743; do
  cmp -s <(curl -sf "http://127.0.0.1:18740/") <(curl -sf "http://127.0.0.1:$port/") || { echo "port $port serves other bytes"; exit 1; }
done
rps() { wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'; }
echo "uptime before: $(uptime)"
printf '%-6s %10s %10s %6s %10s %6s %10s %6s\n' round nginx nethttp ratio gogc400 ratio fast ratio
for r in $(seq "$rounds"); do
  n=$(rps 18740); a=$(rps 18741); g=$(rps 18742); f=$(rps 18743)
  printf '%-6s %10.0f %10.0f %6.2f %10.0f %6.2f %10.0f %6.2f\n' "$r" "$n" "$a" "$(echo "$a/$n" | bc -l)" "$g" "$(echo "$g/$n" | bc -l)" "$f" "$(echo "$f/$n" | bc -l)"
done
echo "uptime after: $(uptime)"
