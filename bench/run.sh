#!/usr/bin/env bash
# bench/run.sh — measure redress against the SPEC §12 targets on this machine.
#
#   bash bench/run.sh            # simulation benchmarks
#
# Prints each measured figure, its target and the ratio (> 1 is better
# than the target). Run on a quiet machine: other load halves the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/redress" ./cmd/redress

echo "== simulation: default scenario, 100,000 customers x 52 weeks, one core, no output"
go test ./sim -run '^$' -bench 'BenchmarkRun' -count 3 | tee "$tmp/bench.txt" | grep Benchmark
best=$(awk '/customer-weeks\/s/ {for (i=1;i<=NF;i++) if ($(i+1)=="customer-weeks/s") print $i}' "$tmp/bench.txt" | sort -g | tail -1)
awk -v b="$best" 'BEGIN { printf "best %.1f million customer-weeks/s; target 10 million; ratio %.2f\n", b/1e6, b/1e7 }'

echo
echo "== simulation: 1,000,000 customers x 52 weeks, all files streamed"
cat > "$tmp/big.toml" <<'TOML'
name = "bench-1m"
[population]
size = 1000000
weeks = 52
TOML
for w in 1 2; do
  /usr/bin/time -f "%e %M" -o "$tmp/time.txt" "$tmp/redress" run "$tmp/big.toml" --out "$tmp/out" --workers "$w" --estimates=false > /dev/null
  read -r secs kb < "$tmp/time.txt"
  awk -v s="$secs" -v kb="$kb" -v w="$w" 'BEGIN {
    printf "workers %d: %.2f s (target < 5 s on one core; ratio %.2f), peak RSS %.0f MB (target < 300 MB)\n", w, s, 5/s, kb/1024 }'
done
