#!/usr/bin/env bash
# Regenerates every image under docs/img from the runs the docs show
# (the same commands, seeds and replication counts), so that a figure in
# a doc always comes from a real run of the current code. About two
# minutes on two cores. Usage: docs/img/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/redress" ./cmd/redress
run() { echo "+ redress $*" >&2; "$tmp/redress" "$@" >/dev/null; }
img=docs/img

# docs/policies.md
run compare policy-showdown --reps 20 --out "$tmp/showdown"
cp "$tmp/showdown/compare-metrics.png" "$tmp/showdown/dashboard-vs-truth.png" "$img/"
run frontier policy-showdown --policy standard --grid refund=0:1.2:0.4 --grid apology=none,scripted,sincere --reps 10 --out "$tmp/fr"
cp "$tmp/fr/frontier.png" "$img/frontier.png"

# docs/studies.md
run bias textbook-selection --reps 1000 --estimators naive,ols,heckit,heckman,ipw,aipw --workers 2 --out "$tmp/tb"
cp "$tmp/tb/sampling-ate_contact_outcome.png" "$img/textbook-selection-ate.png"
run bias study-selection-strength --out "$tmp/ss"
cp "$tmp/ss/bias-mean_satisfaction_given_x-textbook.rho.png" "$img/selection-strength-bias.png"
cp "$tmp/ss/coverage-mean_satisfaction_given_x-textbook.rho.png" "$img/selection-strength-coverage.png"
run bias study-weak-exclusion --out "$tmp/we"
cp "$tmp/we/sampling-beta_x1.png" "$img/weak-exclusion-sampling.png"
run bias study-nonnormal-errors --out "$tmp/nn"
cp "$tmp/nn/bias-mean_satisfaction_given_x-textbook.errors.png" "$img/nonnormal-bias.png"
run bias study-unobservables --out "$tmp/un"
cp "$tmp/un/bias-ate_contact_outcome-textbook.rho.png" "$img/unobservables-bias.png"

# docs/validation.md
run facts --reps 8 --seed 1 --out "$tmp/facts"
cp "$tmp/facts/facts.png" "$img/facts-default.png"
echo "regenerated: $(ls "$img"/*.png | wc -l) images in $img" >&2
