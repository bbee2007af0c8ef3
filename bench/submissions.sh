#!/usr/bin/env bash
# Online applications per second through 1 and then 3 `gongkai serve` processes on one throwaway PostgreSQL, and the
# lock-wait time per write (issue 14, item 2). Starts its own PostgreSQL cluster (initdb in a temporary folder,
# default durability settings), creates a region and AGENCIES departments (default 4) with the CLI, a shared audit
# key, then for each fleet size submits applications through the public form at full speed from CLIENTS concurrent
# clients (default 24) for SECONDS (default 20), spread over the processes and the agencies (bench/submissions).
# After each run `gongkai audit verify` must pass.
#   bench/submissions.sh [SECONDS] [CLIENTS]          (SRC=checkout to measure another version's gongkai)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
clients=${2:-24}
agencies=${AGENCIES:-4}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "需要 PostgreSQL：apt-get install -y postgresql"; exit 2; }
command -v curl >/dev/null || { echo "需要 curl"; exit 2; }
work=$(mktemp -d)
chmod 755 "$work"
# initdb and postgres refuse to run as root: as root they run as the postgres user (as internal/store/pgtest does).
pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$work/pgsock"
[ "$(id -u)" = 0 ] && chown postgres "$work/pgsock"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg "$bindir/pg_ctl" -D "$work/pgsock/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# SRC=folder builds gongkai from another checkout (e.g. an older commit, to compare); the bench client is this one's.
(cd "${SRC:-.}" && go build -o "$work/gongkai" ./cmd/gongkai)
go build -o "$work/submissions" ./bench/submissions
pgport=18750
pg "$bindir/initdb" -D "$work/pgsock/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
pg "$bindir/pg_ctl" -D "$work/pgsock/data" -l "$work/pgsock/pg.log" -w \
  -o "-p $pgport -k $work/pgsock -c listen_addresses=127.0.0.1 -c max_connections=200 -c log_lock_waits=on -c deadlock_timeout=100ms" start >/dev/null
dsn="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
export GONGKAI_DB="$dsn"
"$work/gongkai" audit keygen --to "$work/audit.key" >/dev/null
export GONGKAI_AUDIT_KEY_FILE="$work/audit.key"
"$work/gongkai" migrate --db "$dsn" >/dev/null
"$work/gongkai" agency add --db "$dsn" --name 公开示范县人民政府 >/dev/null
ids=()
for n in $(seq 1 "$agencies"); do
  "$work/gongkai" agency add --db "$dsn" --name "公开示范县第${n}局" --parent 1 >/dev/null
  ids+=($((n + 1)))
done
agency_ids=$(IFS=,; echo "${ids[*]}")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), default durability; $agencies agencies, $clients clients, ${secs} s per run"

declare -A rate
for procs in 1 3; do
  bases=()
  for i in $(seq 1 "$procs"); do
    port=$((18750 + i))
    "$work/gongkai" serve --db "$dsn" --addr 127.0.0.1:$port --trusted-proxy 127.0.0.1/32 >"$work/serve$i.out" 2>"$work/serve$i.err" &
    pids+=($!)
    bases+=("http://127.0.0.1:$port")
  done
  for b in "${bases[@]}"; do
    until curl -sf "$b/healthz" >/dev/null; do sleep 0.1; done
  done
  out=$("$work/submissions" -base "$(IFS=,; echo "${bases[*]}")" -agencies "$agency_ids" -c "$clients" -d "${secs}s" -dsn "$dsn")
  echo "$out"
  rate[$procs]=$(echo "$out" | awk '/submissions\/s/ {for (i = 1; i <= NF; i++) if ($i == "submissions/s") print $(i-1)}')
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  "$work/gongkai" audit verify --db "$dsn" | sed 's/^/  audit verify: /'
done
printf '3 processes / 1 process: %.2f\n' "$(echo "${rate[3]} / ${rate[1]}" | bc -l)"
grep -c "still waiting for" "$work/pgsock/pg.log" | sed 's/^/log_lock_waits (waits over 100 ms) in the PostgreSQL log: /' || true
