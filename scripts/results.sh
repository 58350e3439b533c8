#!/usr/bin/env bash
# The README's accuracy table: for each corpus and configuration (char, bigram, default, vectors),
# scripts/reproduce.sh with each seed; prints test F1 and dev F1 as mean ± standard deviation, the training time, and the hardware.
# Usage: scripts/results.sh [DATASETS] [CONFIGS] [SEEDS]    e.g. scripts/results.sh "resume msra" "char default" "1 2 3"
#   INIT=MODEL (passed to reproduce.sh) starts every run from that model: rows "default --init MODEL"; TRAIN_EPOCHS=N, OUT_ROOT
#   (default build/results) and the variables reproduce.sh reads pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-resume resume-1k msra}
configs=${2:-char bigram default}
seeds=${3:-1 2 3}
echo "hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
stats() { awk '{x[NR] = $1; s += $1} END {m = s / NR; for (i = 1; i <= NR; ++i) v += (x[i] - m) ^ 2;
                printf "%.2f ± %.2f", m, (NR > 1 ? sqrt(v / (NR - 1)) : 0)}'; }
rows=()
for dataset in $datasets; do
  for config in $configs; do
    tests=() devs=() times=()
    for seed in $seeds; do
      log=$(mktemp)
      OUT=${OUT_ROOT:-build/results}/$dataset-$config${INIT:+-init}-seed$seed bash scripts/reproduce.sh "$dataset" "$seed" "$config" >"$log" 2>&1 ||
        { cat "$log" >&2; exit 1; }
      tests+=("$(sed -n 's/^test F1: //p' "$log")")
      devs+=("$(sed -n 's/^best dev F1 \([0-9.]*\) .*/\1/p' "$log")")
      times+=("$(sed -n 's/^training seconds: //p' "$log")")
      echo "$dataset $config seed $seed: test F1 ${tests[-1]}, dev F1 ${devs[-1]}, ${times[-1]} s   ($(grep -m1 '^\$ .*ner train' "$log"))"
      rm -f "$log"
    done
    rows+=("| $dataset | $config${INIT:+ --init $INIT} | $(printf '%s\n' "${tests[@]}" | stats) | $(printf '%s\n' "${devs[@]}" | stats) | ${tests[*]} | $(printf '%s\n' "${times[@]}" | awk '{s += $1} END {printf "%.0f", s / NR}') s |")
  done
done
echo
echo "| corpus | configuration | test F1 (mean ± sd) | dev F1 (mean ± sd) | test F1 per seed ($seeds) | training time (mean) |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
