#!/usr/bin/env bash
# Sign-in flood (issue 11): starts `gongkai serve --demo` on SQLite, measures its idle memory, sends two rounds of
# 100 concurrent sign-ins (unknown user names; existing accounts with wrong passwords, each from its own address
# through a trusted proxy, so that only the hash gate bounds the password checks) and prints the peak resident
# memory and the latency of /healthz during each. Only 127.0.0.1 is used.
#   bench/signin-flood.sh [CONCURRENT]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
command -v curl >/dev/null || { echo "需要 curl"; exit 2; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/gongkai" ./cmd/gongkai
go build -o "$work/signinflood" ./bench/signinflood
port=18741
"$work/gongkai" serve --demo --data "$work/data" --addr 127.0.0.1:$port --trusted-proxy 127.0.0.1 >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
# The demo's items and annual reports are written in the background after start: wait for the last of them.
for _ in $(seq 1 1200); do grep -q "已创建年度报告示范" "$work/serve.out" && break; sleep 0.5; done
sleep 3
echo "gongkai serve --demo (SQLite), $(nproc) CPUs; argon2id m=64 MiB, t=1, p=2"
"$work/signinflood" -base "http://127.0.0.1:$port" -pid "$pid" -n "$n"
