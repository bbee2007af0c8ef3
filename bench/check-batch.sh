#!/usr/bin/env bash
# Measures `gongkai report check` over a batch of reports (default 10,000 copies of the five seed reports) with one
# worker and with all cores, and prints the CPU use and the speed-up. Uses only this machine; writes to a temp dir.
#   bench/check-batch.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
seeds=../shared/seeds
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/gongkai" ./cmd/gongkai
mkdir -p "$work/reports"
mapfile -t files < <(ls "$seeds"/*.txt)
for ((i = 0; i < n; i++)); do
  f=${files[$((i % ${#files[@]}))]}
  # Distinct agency names so the cross-year pass has real work but no false pairs.
  sed "s/卫生健康局/卫生健康局${i}/; s/卫生计生局/卫生计生局${i}/" "$f" >"$work/reports/$(printf '%05d' "$i").txt"
done
bytes=$(cat "$work/reports"/* | wc -c)
echo "reports: $n files, $((bytes / 1024 / 1024)) MiB, $(nproc) cores"

measure() {
  local workers=$1
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$work/time" "$work/gongkai" report check --workers "$workers" "$work/reports" >/dev/null || true
  t1=$(date +%s.%N)
  read -r user sys rss < <(tail -n 1 "$work/time")
  real=$(echo "$t1 - $t0" | bc -l)
  cpu=$(echo "($user + $sys) / $real" | bc -l)
  printf 'workers=%s  wall %.2f s  cpu %.2f s  cores busy %.2f  max RSS %d MiB  %.0f reports/s\n' \
    "$workers" "$real" "$(echo "$user + $sys" | bc -l)" "$cpu" $((rss / 1024)) "$(echo "$n / $real" | bc -l)"
  echo "$real" >"$work/real.$workers"
}
measure 1
measure "$(nproc)"
printf 'speed-up with %s workers: %.2fx\n' "$(nproc)" "$(echo "$(cat "$work/real.1") / $(cat "$work/real.$(nproc)")" | bc -l)"
