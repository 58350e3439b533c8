#!/usr/bin/env bash
# Benchmarks forward+backward of one bidirectional LSTM, GRU and RNN layer (B=32, T=50, E=100, H=128) with 1 and 2
# threads, printing time per character and GFLOP/s with the exact command and the hardware.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use_build.sh
use_build nn_bench
echo "hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
for cell in lstm gru rnn; do
  for threads in 1 2; do
    command="$build/nn_bench --cell $cell --batch 32 --steps 50 --input 100 --hidden 128 --threads $threads"
    echo "\$ $command"
    $command
  done
done
