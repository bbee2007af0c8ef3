#!/usr/bin/env bash
# The catalogue at scale: generates 1,000,000 items (default; ITEMS=… to change) in an embedded SQLite database
# (or PostgreSQL with DB=postgres://…), serves them, and measures with bench/load and wrk, all on 127.0.0.1:
#   - an item page against nginx serving the same bytes as a static file (wrk, same settings, same run);
#   - random item pages, random catalogue pages and random searches: p50/p95/p99 and gongkai's largest RSS.
#   bench/catalogue-1m.sh [SECONDS] [CONNECTIONS]        (keeps the generated data in $KEEP if set)
# SEARCH_ONLY=1 measures the searches alone (region and agency, bench/queries.txt). On PostgreSQL the script runs
# VACUUM ANALYZE after generating (with psql), as a running database's autovacuum would have by then.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
conns=${2:-20}
items=${ITEMS:-1000000}
[ -n "${DB:-}" ] && { command -v psql >/dev/null || { echo "需要 psql：apt-get install -y postgresql-client"; exit 2; }; }
for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "需要 $tool：apt-get install -y nginx-light wrk curl"; exit 2; }
done
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
chmod 755 "$work"
gk_pid=""; ng_pid=""
cleanup() { [ -n "$gk_pid" ] && kill "$gk_pid" 2>/dev/null; [ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null; [ -z "${KEEP:-}" ] && rm -rf "$work"; true; }
trap cleanup EXIT

go build -o "$work/gongkai" ./cmd/gongkai
go build -o "$work/load" ./bench/load
dbflag=(--data "$work/data")
[ -n "${DB:-}" ] && dbflag=(--db "$DB")
gk_port=18741; ng_port=18742

if [ ! -f "$work/generated" ]; then
  "$work/gongkai" agency add "${dbflag[@]}" --name 公开示范县人民政府 >/dev/null
  for name in 卫生健康局 民政局 教育和体育局 市场监督管理局 人力资源和社会保障局; do
    "$work/gongkai" agency add "${dbflag[@]}" --name "公开示范县$name" --parent 1 >/dev/null
  done
  start=$(date +%s)
  per=$(( items / 5 / 5 ))
  for agency in 2 3 4 5 6; do
    for year in 2022 2023 2024 2025 2026; do
      "$work/gongkai" items generate "${dbflag[@]}" --agency $agency --year $year --count $per --seed $((agency * 10000 + year)) >/dev/null 2>&1
    done
  done
  echo "generated $items items in $(( $(date +%s) - start )) s"
  if [ -n "${DB:-}" ]; then
    start=$(date +%s)
    psql -q "$DB" -c 'VACUUM ANALYZE'
    echo "VACUUM ANALYZE in $(( $(date +%s) - start )) s"
  fi
  touch "$work/generated"
  [ -z "${DB:-}" ] && du -sh "$work/data" | awk '{print "database size: " $1}'
fi

"$work/gongkai" serve "${dbflag[@]}" --addr 127.0.0.1:$gk_port >"$work/serve.out" 2>"$work/serve.err" &
gk_pid=$!
until curl -sf "http://127.0.0.1:$gk_port/healthz" >/dev/null; do sleep 0.1; done
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$gk_pid/status"; }
echo "gongkai memory idle: $(rss) MiB"

if [ -n "${SEARCH_ONLY:-}" ]; then
  "$work/load" -base "http://127.0.0.1:$gk_port" -path "/search?q={Q}" -queries bench/queries.txt -c "$conns" -d "${secs}s" -pid "$gk_pid" || true
  "$work/load" -base "http://127.0.0.1:$gk_port" -path "/agencies/{N:2-6}/search?q={Q}" -queries bench/queries.txt -c "$conns" -d "${secs}s" -pid "$gk_pid" || true
  echo "gongkai memory after the load: $(rss) MiB"
  exit 0
fi

# One item page, the same bytes from nginx.
mkdir -p "$work/www/items"
first=$(curl -sf "http://127.0.0.1:$gk_port/catalogue" | grep -o 'href="/items/[0-9]*"' | head -1 | grep -o '[0-9]*')
curl -sf "http://127.0.0.1:$gk_port/items/$first" >"$work/www/items/$first.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:$ng_port; root $work/www; location ~ ^/items/(\d+)$ { try_files /items/\$1.html =404; } }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
ng_pid=$!
until curl -sf "http://127.0.0.1:$ng_port/items/$first" >/dev/null; do sleep 0.05; done
bench() { wrk -t2 -c"$conns" -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
g=$(bench "http://127.0.0.1:$gk_port/items/$first")
n=$(bench "http://127.0.0.1:$ng_port/items/$first")
printf 'item page (%s bytes): gongkai %.0f req/s, nginx %.0f req/s, ratio %.2f\n' "$(wc -c <"$work/www/items/$first.html")" "$g" "$n" "$(echo "$g / $n" | bc -l)"
kill "$ng_pid"; ng_pid=""

# Random pages of the whole catalogue: mostly cache misses.
max=$(curl -sf "http://127.0.0.1:$gk_port/catalogue" | grep -o 'href="/items/[0-9]*"' | grep -o '[0-9]*' | sort -n | tail -1)
"$work/load" -base "http://127.0.0.1:$gk_port" -path "/items/{N:1-$max}" -c "$conns" -d "${secs}s" -pid "$gk_pid" || true
"$work/load" -base "http://127.0.0.1:$gk_port" -path "/agencies/{N:2-6}/catalogue?page={N:1-50}" -c "$conns" -d "${secs}s" -pid "$gk_pid" || true
"$work/load" -base "http://127.0.0.1:$gk_port" -path "/catalogue?genre=normative&page={N:1-20}" -c "$conns" -d "${secs}s" -pid "$gk_pid" || true
"$work/load" -base "http://127.0.0.1:$gk_port" -path "/search?q={Q}" -queries bench/queries.txt -c "$conns" -d "${secs}s" -pid "$gk_pid" || true
"$work/load" -base "http://127.0.0.1:$gk_port" -path "/agencies/{N:2-6}/search?q={Q}" -queries bench/queries.txt -c "$conns" -d "${secs}s" -pid "$gk_pid" || true
echo "gongkai memory after the load: $(rss) MiB"
