#!/usr/bin/env bash
# bench/run.sh — measure redress against the SPEC §12 targets on this machine.
#
#   bash bench/run.sh            # simulation, estimation, bias-study and comparison benchmarks
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

echo
echo "== estimation: heckit and heckman, 1,000,000 rows x 10 regressors"
go test ./estimators -run '^$' -bench 'BenchmarkHeck' -benchtime 3x | grep Benchmark | awk '{
  s = $3 / 1e9; t = ($1 ~ /Heckit/) ? 1 : 3
  printf "%s: %.2f s (target < %d s; ratio %.2f)\n", $1, s, t, t / s }'

echo
echo "== bias study: 1,000 replications of textbook-selection (n = 2,000), naive, ols, heckit, heckman, ipw, aipw"
for w in 1 2; do
  /usr/bin/time -f "%e %M" -o "$tmp/time.txt" "$tmp/redress" bias textbook-selection --reps 1000 \
    --estimators naive,ols,heckit,heckman,ipw,aipw --workers "$w" --out "$tmp/bias$w" > /dev/null
  read -r secs kb < "$tmp/time.txt"
  echo "$w $secs" >> "$tmp/bias.txt"
  awk -v s="$secs" -v kb="$kb" -v w="$w" 'BEGIN {
    printf "workers %d: %.1f s (target < 15 s on 2 cores, 60 s floor; ratio %.2f), peak RSS %.0f MB\n", w, s, 15/s, kb/1024 }'
done
awk 'NR == 1 {a = $2} NR == 2 {printf "speed-up from 1 to 2 workers: %.2fx\n", a / $2}' "$tmp/bias.txt"

echo
echo "== policy comparison: policy-showdown (6 policies x 10,000 customers x 26 weeks), 20 replications"
/usr/bin/time -f "%e %M" -o "$tmp/time.txt" "$tmp/redress" compare policy-showdown --reps 20 > /dev/null
read -r secs kb < "$tmp/time.txt"
awk -v s="$secs" -v kb="$kb" 'BEGIN { printf "%.1f s (target: a few seconds, say 5 s; ratio %.2f), peak RSS %.0f MB\n", s, 5/s, kb/1024 }'
