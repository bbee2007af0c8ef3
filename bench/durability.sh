#!/usr/bin/env bash
# Load and crash test of the embedded SQLite database (issue 3):
#  1. 50 concurrent writers for 30 s: no error may surface, every acknowledged write must be there.
#  2. 50 writers again, killed with SIGKILL after a few seconds; after a restart every acknowledged write must be
#     there and the audit hash chain intact.
#   bench/durability.sh [SECONDS] [WRITERS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
writers=${2:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/durability" ./bench/durability

echo "== $writers writers for $secs s"
"$work/durability" write "$work/data" "$secs" "$writers" >"$work/acked1"
"$work/durability" check "$work/data" "$work/acked1"

echo "== kill -9 during writes"
"$work/durability" write "$work/data" 60 "$writers" >"$work/acked2" 2>"$work/err2" &
pid=$!
sleep 5
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
echo "killed after 5 s with $(wc -l <"$work/acked2") acknowledged writes"
"$work/durability" check "$work/data" "$work/acked2"
echo "== all acknowledged writes survived"
