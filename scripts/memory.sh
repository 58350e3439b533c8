#!/usr/bin/env bash
# Peak memory of `ner tag` with the shipped model on 2 threads, into a file, measured with /usr/bin/time -v:
#   1. SIZE_MB megabytes (default 200) of ordinary lines (the sample text repeated);
#   2. eight lines of 1 MB each (no line break inside), the worst case: a line is tokenized and tagged whole.
# Prints the hardware, each exact command, the peak resident set size and the model's size.
# Usage: scripts/memory.sh [SIZE_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-200}
bash scripts/setup.sh
bash scripts/build.sh build/release -- ner >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$size_mb" <<'PY'
import sys
work, size = sys.argv[1], int(sys.argv[2]) << 20
sample = open("examples/sample.txt", encoding="utf-8").read()
block = (sample * ((1 << 20) // len(sample.encode()))).encode()
with open(work + "/ordinary.txt", "wb") as out:
    for _ in range(size // len(block) + 1):
        out.write(block)
line = sample.replace("\n", "").encode()
line = (line * ((1 << 20) // len(line) + 1))[: 1 << 20].decode("utf-8", "ignore").encode() + b"\n"
with open(work + "/long_lines.txt", "wb") as out:
    out.write(line * 8)
PY
model=models/msra.model
model_mb=$(awk -v b="$(stat -c %s "$model")" 'BEGIN {printf "%.1f", b / 1048576}')
echo "hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); model $model_mb MB"
for input in ordinary long_lines; do
  command=(build/release/ner tag --model "$model" --threads 2 --output "$work/output.jsonl" "$work/$input.txt")
  echo
  echo "input: $input.txt, $(stat -c %s "$work/$input.txt") bytes, $(wc -l < "$work/$input.txt") lines"
  echo "\$ /usr/bin/time -v ${command[*]}"
  /usr/bin/time -v -o "$work/time" "${command[@]}"
  peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s}' "$work/time")
  echo "output: $(stat -c %s "$work/output.jsonl") bytes in $seconds s"
  awk -v kb="$peak_kb" -v m="$model_mb" 'BEGIN {printf "peak RSS: %.1f MB (%.1f MB above the model)\n", kb / 1024, kb / 1024 - m}'
done
